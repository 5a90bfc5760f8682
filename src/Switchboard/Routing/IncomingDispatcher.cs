using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Switchboard;

/// <summary>
/// Runs handlers for received messages, one message at a time in arrival order, so the handlers of a subscription
/// see messages in order and acknowledgements go out in the order the broker sent the messages. A QoS ≥ 1 message
/// is acknowledged after its handlers return.
/// </summary>
/// <remarks>
/// There is no dispatch thread. Whoever delivers a message while nobody is dispatching takes the lane and runs the
/// handlers in place, on the connection's receive path: an idle subscriber pays no thread hop and no wake-up, which is what
/// keeps latency low. Messages that arrive while the lane is held wait in a bounded queue and are drained
/// by the lane holder. When a handler really awaits, the drain continues in the background and the receive path is
/// released at once, so a handler can await a request whose reply arrives through this same connection. When the
/// queue is full the receive path waits (backpressure); the broker, told our receive-maximum, then stops sending
/// QoS ≥ 1 messages.
/// </remarks>
internal sealed class IncomingDispatcher
{
    private readonly Channel<IncomingMessage> _channel;
    private readonly SemaphoreSlim _lane = new(1, 1);
    private readonly SubscriptionTable _table;
    private readonly DedupeCache? _dedupe;
    private readonly ClientCounters _counters;
    private readonly ILogger _logger;
    private readonly bool _withholdAckOnFailure;
    private readonly CancellationToken _stopping;
    private readonly TimeProvider _time;
    private readonly List<FilterEntry> _matches = [];
    private readonly List<IncomingMessage> _acks = [];

    // Small against the broker's window (our receive-maximum), so held-back acknowledgements never starve it.
    private readonly int _ackBatch;

    // The dispatcher whose handler this thread is calling: a handler that shuts its own client down must not be waited for.
    [ThreadStatic]
    private static IncomingDispatcher? t_callingHandlerOf;

    // A handler that keeps the receive path this long without awaiting is almost certainly blocking on something.
    private static readonly TimeSpan BlockingWarning = TimeSpan.FromMilliseconds(500);

    // Failures per message (topic, payload) while its acknowledgement is withheld; the lane holder's only.
    private readonly Dictionary<(string Topic, int Hash, int Length), int> _failures = [];
    private ConnectionSession? _unroutedOn;
    private long _unroutedOnSession;
    private const int MaxTrackedFailures = 10_000;
    private readonly int _maxRedeliveries;
    private readonly int _stallThreshold;
    private int _withheld;
    private ConnectionSession? _withheldOn;

    public IncomingDispatcher(int capacity, SubscriptionTable table, DedupeCache? dedupe, ClientCounters counters, ILogger logger, bool withholdAckOnFailure, CancellationToken stopping, TimeProvider time, int maxRedeliveries = 3)
    {
        _time = time;
        _maxRedeliveries = maxRedeliveries;
        // Withheld acknowledgements take slots of the broker's window (our receive-maximum, the capacity) until a
        // reconnect: at half of it the broker is close to sending nothing more while the connection looks healthy.
        _stallThreshold = Math.Max(1, capacity / 2);
        _channel = Channel.CreateBounded<IncomingMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        _table = table;
        _dedupe = dedupe;
        _counters = counters;
        _logger = logger;
        _withholdAckOnFailure = withholdAckOnFailure;
        _stopping = stopping;
        _ackBatch = Math.Clamp(capacity / 4, 1, 64);
    }

    public int Count => _channel.Reader.Count;

    /// <summary>Spans around the handlers (<c>process {topic}</c>), when someone listens.</summary>
    public ClientTelemetry? Telemetry { get; init; }

    /// <summary>A message whose handler kept failing, acknowledged as poison: (message, attempts, last error).</summary>
    public Action<MqttMessage, int, Exception>? Poisoned { get; set; }

    /// <summary>So many acknowledgements are withheld on a connection that the broker's window is nearly full: a
    /// reconnect lets the broker redeliver them (each redelivery counts towards poison) instead of the client stalling
    /// silently.</summary>
    public Action<ConnectionSession, int>? WindowStalled { get; set; }

    /// <summary>
    /// Hands a message over: runs its handlers in place when nobody is dispatching, otherwise queues it, waiting while
    /// the queue is full (backpressure). Completes once the message is taken, not when its handlers finish.
    /// </summary>
    public ValueTask EnqueueAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            // Left unacknowledged: a persistent session gets it again.
            return ValueTask.CompletedTask;
        }

        if (_channel.Reader.Count == 0 && _lane.Wait(0))
        {
            RunLane(message);
            return ValueTask.CompletedTask;
        }

        if (_channel.Writer.TryWrite(message))
        {
            TryRunLane();
            return ValueTask.CompletedTask;
        }

        return WriteThenRunAsync(message, cancellationToken);
    }

    /// <summary>True while this thread is inside the synchronous part of one of this dispatcher's handlers.</summary>
    public bool IsCallingHandler => t_callingHandlerOf == this;

    /// <summary>
    /// Stops taking messages and waits until the handler that is running, if any, has returned: at most
    /// <paramref name="patience"/>, and not at all when the caller is that handler (<paramref name="calledByHandler"/>),
    /// which would wait for itself.
    /// </summary>
    public async Task StopAsync(bool calledByHandler, TimeSpan patience)
    {
        // The stop token is cancelled by now: no drain starts again, and a running one stops after its handler.
        if (!calledByHandler && !_lane.Wait(0))
        {
            using var timeout = new CancellationTokenSource(patience, _time);
            try
            {
                // Taken for good: once a running drain sees the stop and lets go, no drain starts again.
                await _lane.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Log.HandlerOutlivedShutdown(_logger, (long)patience.TotalMilliseconds);
            }
        }

        _channel.Writer.TryComplete();
    }

    private async ValueTask WriteThenRunAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        await _channel.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        TryRunLane();
    }

    private void TryRunLane()
    {
        if (_lane.Wait(0))
        {
            RunLane(first: null);
        }
    }

    /// <summary>Drains with the lane held; returns when the drain is done or has gone asynchronous.</summary>
    private void RunLane(IncomingMessage? first)
    {
        var drain = DrainAsync(first);
        if (drain.IsCompletedSuccessfully)
        {
            drain.GetAwaiter().GetResult();
            return;
        }

        // A handler awaits: let it finish off the receive path (DrainAsync never throws).
        _ = drain.AsTask();
    }

    private async ValueTask DrainAsync(IncomingMessage? first)
    {
        while (true)
        {
            try
            {
                if (first is { } incoming)
                {
                    first = null;
                    await DispatchAndCollectAsync(incoming).ConfigureAwait(false);
                }

                // Acknowledgements of what is queued now are sent together (one socket write), after their handlers.
                while (!_stopping.IsCancellationRequested && _channel.Reader.TryRead(out var queued))
                {
                    await DispatchAndCollectAsync(queued).ConfigureAwait(false);
                }

                await AcknowledgeBatchAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Handlers' and acknowledgements' failures are handled inside; reaching here is a bug, and must not kill the lane.
                try
                {
                    Log.DispatchFailed(_logger, ex);
                }
                catch (Exception)
                {
                    // A failing logger must not take the lane down either.
                }

                // Handlers that did finish get their acknowledgements; otherwise their packet ids would stay taken in
                // the broker's window until the next reconnect. (AcknowledgeBatchAsync swallows connection errors.)
                try
                {
                    await AcknowledgeBatchAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                }

                _acks.Clear();
            }
            finally
            {
                _lane.Release();
            }

            // A message queued while we held the lane, whose writer found the lane taken, is ours to run.
            if (_stopping.IsCancellationRequested || _channel.Reader.Count == 0 || !_lane.Wait(0))
            {
                return;
            }
        }
    }

    private async ValueTask DispatchAndCollectAsync(IncomingMessage incoming)
    {
        if (await DispatchAsync(incoming, _stopping).ConfigureAwait(false))
        {
            _acks.Add(incoming);
            if (_acks.Count >= _ackBatch)
            {
                await AcknowledgeBatchAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs the handlers; true when the message is to be acknowledged.</summary>
    private async ValueTask<bool> DispatchAsync(IncomingMessage incoming, CancellationToken stopping)
    {
        var message = incoming.Message;
        string? dedupeKey = null;
        if (_dedupe is not null && TryGetDedupeKey(message, out var key))
        {
            if (_dedupe.IsDuplicate(key))
            {
                Interlocked.Increment(ref _counters.DuplicatesDropped);
                Log.DuplicateSuppressed(_logger, message.Topic);
                return true;
            }

            dedupeKey = key;
        }

        // The handlers run inside the process span (their own spans and publishes are its children).
        using var activity = Telemetry is not null && ClientTelemetry.Source.HasListeners() ? Telemetry.StartProcess(message) : null;
        var timing = Telemetry?.StartProcessTiming();
        Exception? failure = null;
        _matches.Clear();
        _table.Match(message, _matches);
        if (_matches.Count == 0 && message.Qos != Qos.AtMostOnce)
        {
            CountUnrouted(incoming);
        }

        foreach (var entry in _matches)
        {
            foreach (var registration in entry.Handlers)
            {
                if (registration.Handler is null)
                {
                    continue;
                }

                try
                {
                    var started = _time.GetTimestamp();
                    var outer = t_callingHandlerOf;
                    t_callingHandlerOf = this;
                    ValueTask handled;
                    try
                    {
                        handled = registration.Handler(message, stopping);
                    }
                    finally
                    {
                        t_callingHandlerOf = outer;
                    }

                    // Only the synchronous part holds the receive path: that is what a blocking call shows up as.
                    var held = _time.GetElapsedTime(started);
                    if (held >= BlockingWarning)
                    {
                        Log.HandlerBlocked(_logger, entry.Filter, message.Topic, (long)held.TotalMilliseconds);
                    }

                    await handled.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // Shutting down mid-handler: leave it unacknowledged so a persistent session gets it again.
                    return false;
                }
                catch (Exception ex)
                {
                    failure = ex;
                    if (activity is not null)
                    {
                        ClientTelemetry.Failed(activity, ex);
                    }

                    Interlocked.Increment(ref _counters.HandlerErrors);
                    Log.HandlerFailed(_logger, entry.Filter, message.Topic, ex);
                }
            }
        }

        Telemetry?.EndProcessTiming(timing, failure);
        if (failure is not null && _withholdAckOnFailure && message.Qos != Qos.AtMostOnce && _maxRedeliveries > 0)
        {
            return !Withhold(incoming, failure, dedupeKey);
        }

        if (failure is null && _failures.Count > 0)
        {
            _failures.Remove(FailureKey(message));
        }

        return true;
    }

    /// <summary>
    /// A handler failed on a message of a persistent session: leave it unacknowledged so the broker redelivers it
    /// after a reconnect, up to <c>MaxRedeliveries</c> times; after that it is poison: acknowledged, counted, logged
    /// and handed to <see cref="Poisoned"/>. Returns true when the acknowledgement is withheld.
    /// </summary>
    private bool Withhold(IncomingMessage incoming, Exception failure, string? dedupeKey)
    {
        var message = incoming.Message;
        var key = FailureKey(message);
        _failures.TryGetValue(key, out var attempts);
        attempts++;
        if (attempts > _maxRedeliveries)
        {
            _failures.Remove(key);
            Interlocked.Increment(ref _counters.PoisonMessages);
            Log.PoisonMessage(_logger, message.Topic, attempts, failure.Message);
            Poisoned?.Invoke(message, attempts, failure);
            return false;
        }

        if (_failures.Count >= MaxTrackedFailures)
        {
            // Bounded memory: forgetting only means a message may be redelivered a few times more.
            _failures.Clear();
        }

        _failures[key] = attempts;

        // Forget the dedupe key so that the redelivery isn't suppressed.
        if (dedupeKey is not null)
        {
            _dedupe!.Forget(dedupeKey);
        }

        // Counted per connection: a new one starts with an empty window (the broker redelivers what was withheld).
        if (!ReferenceEquals(_withheldOn, incoming.Session))
        {
            _withheldOn = incoming.Session;
            _withheld = 0;
        }

        if (++_withheld == _stallThreshold && incoming.Session.IsAlive)
        {
            Log.WindowStalled(_logger, _withheld);
            WindowStalled?.Invoke(incoming.Session, _withheld);
        }

        return true;
    }

    /// <summary>
    /// A QoS ≥ 1 message no handler wants: acknowledged (a stray message after an unsubscribe is expected), but counted
    /// and named once per connection, because the usual cause loses data: a persistent session's waiting messages arrive
    /// right after CONNACK, before handlers added after <c>ConnectAsync</c> exist.
    /// </summary>
    private void CountUnrouted(IncomingMessage incoming)
    {
        Interlocked.Increment(ref _counters.Unrouted);
        if (!ReferenceEquals(_unroutedOn, incoming.Session))
        {
            _unroutedOn = incoming.Session;
            _unroutedOnSession = 0;
        }

        if (++_unroutedOnSession == 1)
        {
            Log.Unrouted(_logger, incoming.Message.Topic, _unroutedOnSession);
        }
    }

    private static (string, int, int) FailureKey(MqttMessage message)
    {
        var hash = new HashCode();
        hash.AddBytes(message.Payload.Span);
        return (message.Topic, hash.ToHashCode(), message.Payload.Length);
    }

    // Never throws: whatever goes wrong computing the key, the message is handled (and acknowledged) as a non-envelope.
    private bool TryGetDedupeKey(MqttMessage message, out string key)
    {
        try
        {
            return DedupeCache.TryGetKey(message.Payload.Span, out key);
        }
        catch (Exception ex)
        {
            Log.MalformedEnvelope(_logger, message.Topic, ex.Message);
            key = string.Empty;
            return false;
        }
    }

    private async ValueTask AcknowledgeBatchAsync()
    {
        if (_acks.Count == 0)
        {
            return;
        }

        CoalescingStream? corked = null;
        foreach (var incoming in _acks)
        {
            var stream = incoming.Session.Stream;
            if (stream != corked)
            {
                await UncorkAsync(corked).ConfigureAwait(false);
                corked = stream;
                corked?.Cork();
            }

            await AcknowledgeAsync(incoming).ConfigureAwait(false);
        }

        await UncorkAsync(corked).ConfigureAwait(false);
        _acks.Clear();
    }

    private static async ValueTask UncorkAsync(CoalescingStream? stream)
    {
        if (stream is null)
        {
            return;
        }

        try
        {
            await stream.UncorkAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection failed; the broker redelivers what we could not acknowledge.
        }
    }

    /// <summary>Sends the PUBACK (QoS 1) or PUBREC (QoS 2) of a handled message; a dead connection is ignored.</summary>
    public static async ValueTask AcknowledgeAsync(IncomingMessage incoming)
    {
        if (incoming.Message.Qos == Qos.AtMostOnce || !incoming.Session.IsAlive)
        {
            return;
        }

        try
        {
            await incoming.Session.AcknowledgeAsync(incoming.Message.Qos, incoming.PacketId).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection went away before the ack; the broker will redeliver (at-least-once).
        }
    }
}

/// <summary>A received message with what is needed to acknowledge it on the connection it came from.</summary>
internal readonly record struct IncomingMessage(MqttMessage Message, ConnectionSession Session, ushort PacketId);
