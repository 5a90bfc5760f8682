using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Reliability;

/// <summary>
/// A soak's steady traffic: one publisher client sends numbered QoS 1 envelopes at a fixed rate, round-robin over a
/// few topics with a sequence per topic, and one subscriber client (persistent session) tallies what its handlers
/// see per topic. A second tally per topic records which publishes the broker acknowledged, so that a message
/// missing at the end can be told apart: never acknowledged (the client's loss) or acknowledged and then lost by a
/// killed broker.
/// </summary>
public sealed class SoakTraffic : IAsyncDisposable
{
    private const string EventType = "reliability.soak";
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private readonly SoakSettings _settings;
    private readonly SwitchboardClient _publisher;
    private readonly SwitchboardClient _subscriber;
    private readonly StreamTally[] _received;
    private readonly StreamTally[] _acknowledged;
    private readonly long[] _sentPerTopic;
    private readonly string[] _topics;
    private readonly List<Subscription> _subscriptions = [];
    private long _sent;
    private long _failed;

    public SoakTraffic(SoakSettings settings, string publisherUrl, string subscriberUrl)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        var run = Guid.NewGuid().ToString("N")[..8];
        _publisher = new SwitchboardClient(Scenarios.Options(publisherUrl, "soak-pub-" + run));
        _subscriber = new SwitchboardClient(Scenarios.Options(subscriberUrl, "soak-sub-" + run, o =>
        {
            // A persistent session: what is published while the subscriber is cut off or the broker restarts waits
            // at the broker (and in its database) instead of being dropped.
            o.CleanStart = false;
            o.SessionExpiry = TimeSpan.FromHours(1);
        }));
        _received = [.. Enumerable.Range(0, settings.Topics).Select(_ => new StreamTally())];
        _acknowledged = [.. Enumerable.Range(0, settings.Topics).Select(_ => new StreamTally())];
        _sentPerTopic = new long[settings.Topics];
        TopicPrefix = "reliability/soak/" + run + "/";
        _topics = [.. Enumerable.Range(0, settings.Topics).Select(i => TopicPrefix + i.ToString(CultureInfo.InvariantCulture))];
    }

    /// <summary>The topics are this prefix followed by their index.</summary>
    public string TopicPrefix { get; }

    /// <summary>Publishes accepted so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Distinct messages the subscriber's handlers have seen so far.</summary>
    public long Received => _received.Sum(t => (long)t.Unique);

    /// <summary>Distinct publishes the broker has acknowledged so far.</summary>
    public long Acknowledged => _acknowledged.Sum(t => (long)t.Unique);

    /// <summary>Publishes that failed (the client gave up on them with an exception).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Handler invocations beyond the first per message.</summary>
    public long Duplicates => _received.Sum(t => t.Duplicates);

    /// <summary>First arrivals that came after a higher number of the same topic.</summary>
    public long Reorderings => _received.Sum(t => t.Reorderings);

    /// <summary>Reconnects of both clients.</summary>
    public long Reconnects => _publisher.GetStats().Reconnects + _subscriber.GetStats().Reconnects;

    /// <summary>Reconnects after which the broker had not kept the subscriber's session.</summary>
    public long SessionsLost => _subscriber.GetStats().SessionsLost;

    /// <summary>Connects both clients and subscribes to every topic.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _subscriber.ConnectAsync(cancellationToken);
        for (var topic = 0; topic < _settings.Topics; topic++)
        {
            var tally = _received[topic];
            _subscriptions.Add(await _subscriber.SubscribeEventsAsync(_topics[topic], (e, _) =>
            {
                tally.Record(e.Data.Seq);
                return ValueTask.CompletedTask;
            }, ReliabilityJson.Default.SequenceData, Qos.AtLeastOnce, cancellationToken));
        }

        await _publisher.ConnectAsync(cancellationToken);
    }

    /// <summary>Publishes at the configured rate for <paramref name="duration"/>. The rate is kept against the clock,
    /// not per tick, so a late tick (a GC pause, a busy box) is caught up rather than lost.</summary>
    public async Task PublishAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Tick);
        var start = Stopwatch.GetTimestamp();
        TimeSpan elapsed;
        do
        {
            elapsed = Stopwatch.GetElapsedTime(start);
            var due = (long)(Math.Min(elapsed.TotalSeconds, duration.TotalSeconds) * _settings.MessagesPerSecond);
            while (Sent < due)
            {
                PublishNext();
            }
        }
        while (elapsed < duration && await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>
    /// Waits until every publish is acknowledged and delivered, while that still makes progress (10 s without any
    /// gives up: what is missing then is lost), at most <see cref="SoakSettings.DrainTimeout"/>.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp();
        var lastProgress = deadline;
        var seen = (Received, Acknowledged + Failed);
        while ((seen.Item1 < Sent || seen.Item2 < Sent)
            && Stopwatch.GetElapsedTime(deadline) < _settings.DrainTimeout
            && Stopwatch.GetElapsedTime(lastProgress) < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20, cancellationToken);
            var now = (Received, Acknowledged + Failed);
            if (now != seen)
            {
                seen = now;
                lastProgress = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>Messages sent but never delivered: (never acknowledged, acknowledged by the broker), with a few
    /// examples as topic#seq.</summary>
    public (long ByClient, long ByBroker, string Examples) Missing()
    {
        long byClient = 0, byBroker = 0;
        var examples = new List<string>();
        for (var topic = 0; topic < _settings.Topics; topic++)
        {
            foreach (var seq in _received[topic].Missing(Interlocked.Read(ref _sentPerTopic[topic])))
            {
                if (_acknowledged[topic].Has(seq))
                {
                    byBroker++;
                }
                else
                {
                    byClient++;
                }

                if (examples.Count < 5)
                {
                    examples.Add(string.Create(CultureInfo.InvariantCulture, $"{topic}#{seq}"));
                }
            }
        }

        return (byClient, byBroker, string.Join(", ", examples));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var subscription in _subscriptions)
        {
            await subscription.DisposeAsync();
        }

        await _publisher.DisposeAsync();
        await _subscriber.DisposeAsync();
    }

    private void PublishNext()
    {
        var sent = Interlocked.Increment(ref _sent) - 1;
        var topic = (int)(sent % _settings.Topics);
        var seq = _sentPerTopic[topic]++;
        var acknowledged = _acknowledged[topic];
        // Not awaited: a steady rate must not wait for acknowledgements (the client queues and resends them). A
        // failed publish is counted, never ignored.
        _ = _publisher.PublishEventAsync(_topics[topic], EventType, new SequenceData(seq), ReliabilityJson.Default.SequenceData)
            .ContinueWith(
                (task, _) =>
                {
                    if (task.IsCompletedSuccessfully)
                    {
                        acknowledged.Record(seq);
                    }
                    else
                    {
                        Interlocked.Increment(ref _failed);
                    }
                },
                null,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
    }
}
