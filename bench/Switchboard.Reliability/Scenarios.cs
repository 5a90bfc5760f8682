using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Faults;

namespace Switchboard.Reliability;

/// <summary>
/// The fault scenarios: each builds its own Mosquitto (persistence on) and proxies, streams numbered QoS 1 messages
/// from one client to another through the faults, and reports what the subscriber's handler saw.
/// </summary>
public static class Scenarios
{
    private const string Topic = "reliability/stream";
    private const string EventType = "reliability.seq";

    /// <summary>Streams <paramref name="messages"/> messages while killing the broker (SIGKILL + restart) and cutting
    /// both clients' connections, alternately, at evenly spaced points.</summary>
    public static async Task<ScenarioResult> StreamThroughFaultsAsync(int messages, int brokerKills, int proxyCuts, bool dedupe, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        await using var broker = new MosquittoBroker(new BrokerOptions { Persistence = true });
        await broker.StartAsync();
        await using var publisherProxy = TcpFaultProxy.For(broker);
        await using var subscriberProxy = TcpFaultProxy.For(broker);
        var tally = new StreamTally();
        await using var subscriber = new SwitchboardClient(Options(subscriberProxy.Url, "rel-sub-" + Guid.NewGuid().ToString("N")[..8], o =>
        {
            // A persistent session: what is published while the subscriber is cut off waits at the broker.
            o.CleanStart = false;
            o.SessionExpiry = TimeSpan.FromHours(1);
            o.DedupeTtl = dedupe ? TimeSpan.FromMinutes(10) : TimeSpan.Zero;
            o.DedupeMaxEntries = messages * 2;
        }));
        await subscriber.ConnectAsync(cancellationToken);
        await using var subscription = await subscriber.SubscribeEventsAsync(Topic, (e, _) =>
        {
            tally.Record(e.Data.Seq);
            return ValueTask.CompletedTask;
        }, ReliabilityJson.Default.SequenceData, Qos.AtLeastOnce, cancellationToken);
        await using var publisher = new SwitchboardClient(Options(publisherProxy.Url, "rel-pub-" + Guid.NewGuid().ToString("N")[..8], o => o.QueueCapacity = messages + 1000));
        await publisher.ConnectAsync(cancellationToken);

        // The stream goes out in chunks with a fault after each but the last. A fault strikes once the subscriber has
        // seen half of the chunk, so there are always messages queued, in flight and unacknowledged when it hits.
        var faults = brokerKills + proxyCuts;
        var kills = 0;
        var recoveries = new List<Task<TimeSpan>>();
        var accepted = new List<Task>(messages);
        var sent = 0;
        for (var chunk = 0; chunk <= faults; chunk++)
        {
            var end = (int)((long)messages * (chunk + 1) / (faults + 1));
            var chunkStart = sent;
            for (; sent < end; sent++)
            {
                accepted.Add(publisher.PublishEventAsync(Topic, EventType, new SequenceData(sent), ReliabilityJson.Default.SequenceData, cancellationToken: cancellationToken));
            }

            if (chunk == faults)
            {
                break;
            }

            var halfway = chunkStart + ((end - chunkStart) / 2);
            while (tally.Unique < halfway)
            {
                await Task.Delay(1, cancellationToken);
            }

            var kill = kills < brokerKills && (chunk % 2 == 0 || chunk - kills >= proxyCuts);
            var before = tally.Unique;
            var at = Stopwatch.GetTimestamp();
            if (kill)
            {
                kills++;
                await broker.KillAsync();
                await broker.StartAsync();
            }
            else
            {
                publisherProxy.CutAll();
                subscriberProxy.CutAll();
            }

            recoveries.Add(WaitForProgressAsync(tally, before, at, cancellationToken));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(120));
        var notes = new StringBuilder();
        try
        {
            await Task.WhenAll(accepted).WaitAsync(deadline.Token);

            // Every publish is acknowledged; wait while deliveries still make progress.
            var lastProgress = Stopwatch.GetTimestamp();
            for (var seen = tally.Unique; seen < messages; seen = tally.Unique)
            {
                await Task.Delay(20, deadline.Token);
                if (tally.Unique != seen)
                {
                    lastProgress = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(lastProgress) > TimeSpan.FromSeconds(10))
                {
                    notes.Append("deliveries stopped; ");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            notes.Append("timed out waiting for delivery; ");
        }
        catch (MqttPublishException ex)
        {
            notes.Append("a publish failed: ").Append(ex.Message).Append("; ");
        }

        var recovery = TimeSpan.Zero;
        foreach (var task in recoveries)
        {
            if (task.IsCompletedSuccessfully)
            {
                recovery = task.Result > recovery ? task.Result : recovery;
            }
        }

        var missing = tally.Missing(messages);
        // A message whose PUBACK the publisher received was the broker's to keep: Mosquitto acknowledges before it
        // writes its database, so a SIGKILL in between loses it there. Those are counted apart from the client's.
        var lostByBroker = missing.Count(i => accepted[(int)i].IsCompletedSuccessfully);
        if (missing.Count > 0)
        {
            notes.Append("missing e.g. ").Append(string.Join(",", missing.Take(5))).Append(CultureInfo.InvariantCulture, $" ({lostByBroker} of them acknowledged by the broker before it was killed); ");
        }

        return new ScenarioResult
        {
            Scenario = $"{messages / 1000}k QoS 1, {brokerKills} broker SIGKILLs + {proxyCuts} cuts, dedupe {(dedupe ? "on" : "off")}",
            Accepted = messages,
            Delivered = tally.Unique,
            Lost = missing.Count,
            LostByBroker = lostByBroker,
            Duplicates = tally.Duplicates,
            Reorderings = tally.Reorderings,
            Reconnects = publisher.GetStats().Reconnects + subscriber.GetStats().Reconnects,
            MaxRecovery = recovery,
            Duration = clock.Elapsed,
            Notes = notes.ToString().TrimEnd(' ', ';') + (dedupe ? $"{(notes.Length > 0 ? "; " : string.Empty)}suppressed {subscriber.GetStats().DuplicatesDropped} duplicate(s)" : string.Empty),
        };
    }

    /// <summary>Black-holes a publish-only client's connection and measures how long the client takes to notice and to recover.</summary>
    public static async Task<ScenarioResult> StallAsync(TimeSpan keepAlive, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        await using var broker = new MosquittoBroker();
        await broker.StartAsync();
        await using var proxy = TcpFaultProxy.For(broker);
        await using var client = new SwitchboardClient(Options(proxy.Url, "rel-stall-" + Guid.NewGuid().ToString("N")[..8], o => o.KeepAlive = keepAlive));
        await client.ConnectAsync(cancellationToken);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var back = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.StateChanged += (_, e) =>
        {
            if (e.Current == ConnectionState.Reconnecting)
            {
                lost.TrySetResult();
            }
            else if (e.Current == ConnectionState.Connected && lost.Task.IsCompleted)
            {
                back.TrySetResult();
            }
        };

        // A client that only publishes QoS 0 never waits for anything from the broker: only a ping can tell.
        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var publisher = Task.Run(async () =>
        {
            for (var i = 0; !publishing.IsCancellationRequested; i++)
            {
                client.Post("reliability/stall", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Qos.AtMostOnce);
                await Task.Delay(10, CancellationToken.None);
            }
        }, CancellationToken.None);

        proxy.Stall();
        var stalledAt = Stopwatch.GetTimestamp();
        await lost.Task.WaitAsync(keepAlive * 4, cancellationToken);
        var detected = Stopwatch.GetElapsedTime(stalledAt);
        proxy.Resume(cutStalledConnections: true);
        var resumedAt = Stopwatch.GetTimestamp();
        await back.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var recovered = Stopwatch.GetElapsedTime(resumedAt);
        await publishing.CancelAsync();
        await publisher;
        return new ScenarioResult
        {
            Scenario = $"stalled connection (black hole), keep-alive {keepAlive.TotalSeconds:0.#} s",
            Reconnects = client.GetStats().Reconnects,
            MaxRecovery = detected,
            Duration = clock.Elapsed,
            Notes = $"detected after {detected.TotalSeconds:0.00} s (limit 1.5 × keep-alive = {keepAlive.TotalSeconds * 1.5:0.#} s); reconnected {recovered.TotalSeconds:0.00} s after the network came back",
        };
    }

    /// <summary>A handler far slower than the publisher: counts what the client holds while it catches up.</summary>
    public static async Task<ScenarioResult> SlowHandlerAsync(int messages, TimeSpan handlerTime, int incomingCapacity, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        await using var broker = new MosquittoBroker();
        await broker.StartAsync();
        var tally = new StreamTally();
        var maxIncoming = 0;
        long maxUnhandled = 0;
        long handled = 0;
        await using var subscriber = new SwitchboardClient(Options(broker.Url, "rel-slow-" + Guid.NewGuid().ToString("N")[..8], o => o.IncomingQueueCapacity = incomingCapacity));
        await subscriber.ConnectAsync(cancellationToken);
        await using var subscription = await subscriber.SubscribeEventsAsync(Topic, async (e, ct) =>
        {
            var stats = subscriber.GetStats();
            maxIncoming = Math.Max(maxIncoming, stats.IncomingQueued);
            maxUnhandled = Math.Max(maxUnhandled, stats.Received - Interlocked.Read(ref handled));
            await Task.Delay(handlerTime, ct);
            tally.Record(e.Data.Seq);
            Interlocked.Increment(ref handled);
        }, ReliabilityJson.Default.SequenceData, Qos.AtLeastOnce, cancellationToken);
        await using var publisher = new SwitchboardClient(Options(broker.Url, "rel-fast-" + Guid.NewGuid().ToString("N")[..8], o => o.QueueCapacity = messages + 10));
        await publisher.ConnectAsync(cancellationToken);
        var publishStarted = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, messages).Select(i => publisher.PublishEventAsync(Topic, EventType, new SequenceData(i), ReliabilityJson.Default.SequenceData, cancellationToken: cancellationToken)));
        var publishTime = Stopwatch.GetElapsedTime(publishStarted);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(handlerTime * messages * 3 + TimeSpan.FromSeconds(30));
        while (tally.Unique < messages && !deadline.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        return new ScenarioResult
        {
            Scenario = $"slow handler ({handlerTime.TotalMilliseconds:0.#} ms/msg), incoming queue {incomingCapacity}",
            Accepted = messages,
            Delivered = tally.Unique,
            Lost = messages - tally.Unique,
            Duplicates = tally.Duplicates,
            Reorderings = tally.Reorderings,
            Duration = clock.Elapsed,
            PeakIncomingQueue = maxIncoming,
            PeakUnhandled = maxUnhandled,
            Notes = $"publisher done in {publishTime.TotalSeconds:0.00} s; incoming queue peaked at {maxIncoming}/{incomingCapacity}; received-but-unhandled peaked at {maxUnhandled} (the broker held the rest)",
        };
    }

    /// <summary>Client options for the scenarios: quick reconnects and a short keep-alive.</summary>
    public static SwitchboardOptions Options(string url, string clientId, Action<SwitchboardOptions>? configure = null)
    {
        var options = new SwitchboardOptions
        {
            Url = url,
            ClientId = clientId,
            KeepAlive = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(3),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            RetryFirstConnect = true,
        };
        configure?.Invoke(options);
        return options;
    }

    private static async Task<TimeSpan> WaitForProgressAsync(StreamTally tally, int before, long faultAt, CancellationToken cancellationToken)
    {
        while (tally.Unique <= before && Stopwatch.GetElapsedTime(faultAt) < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(5, cancellationToken);
        }

        return Stopwatch.GetElapsedTime(faultAt);
    }
}
