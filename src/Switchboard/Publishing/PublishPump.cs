using System.Buffers;
using Microsoft.Extensions.Logging;

namespace Switchboard;

/// <summary>
/// The one loop that moves messages from the <see cref="OutgoingQueue"/> to the broker: it encodes each PUBLISH and
/// writes it to the session's transport, in corked batches. QoS ≥ 1 messages are sent in acceptance order into a
/// window no larger than the broker's receive-maximum; their acknowledgements arrive on the receive path
/// (<see cref="OnCompleted"/>). When the connection drops, every unacknowledged message goes back to the front of the
/// queue in its original order, keeping its packet identifier: a broker that kept the session gets it again with DUP
/// set (a QoS 2 message the broker already received gets its PUBREL again instead); one that did not gets it anew.
/// </summary>
internal sealed class PublishPump : IPublishAcknowledgements
{
    private readonly OutgoingQueue _queue;
    private readonly ConnectionSupervisor _supervisor;
    private readonly ClientCounters _counters;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, OutgoingMessage> _inflight = [];
    private readonly CompletionBatch _completions = new();
    private const int BatchSize = 64;

    // At most this many messages are sent on the thread of a writer that resumed the pump (one batch's worth).
    private const int InlineBudget = BatchSize;
    private int _writing;

    // Headers of the publish the pump is writing itself (only the pump's loop uses it).
    private readonly ArrayBufferWriter<byte> _header = new(256);
    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly SessionState _state;

    // The window of the session being pumped; acknowledgements release it.
    private InflightWindow? _window;

    // The topic aliases of the session being pumped (the pump's loop only).
    private OutgoingTopicAliases _aliases = new(0);

    public PublishPump(OutgoingQueue queue, ConnectionSupervisor supervisor, SessionState state, ClientCounters counters, ILogger logger, TimeProvider time)
    {
        _state = state;
        _time = time;
        _queue = queue;
        _supervisor = supervisor;
        _counters = counters;
        _logger = logger;
        queue.NothingInFlight = () => Volatile.Read(ref _counters.Inflight) == 0;
    }

    /// <summary>Hook for the durable outbox: called when the broker has acknowledged a message.</summary>
    public Action<OutgoingMessage>? Acknowledged { get; set; }

    public int InflightCount
    {
        get
        {
            lock (_lock)
            {
                return _inflight.Count;
            }
        }
    }

    /// <summary>Runs until <paramref name="stopping"/> fires or the connection faults.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            ConnectionSession session;
            try
            {
                session = await _supervisor.WaitForSessionAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Stopped or faulted: whoever stopped us fails what is left.
                return;
            }


            if (!session.IsAlive)
            {
                // The supervisor has not yet replaced the signal of the session that just died; don't spin on it.
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(5), _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            try
            {
                await PumpSessionAsync(session, stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                // A bug here must not silently stop all publishing: log it and carry on with the next session.
                _counters.RecordError(ex);
                Log.PumpFailed(_logger, ex);
            }
        }
    }

    /// <summary>Completes when nothing is queued or in flight.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_inflight.Count == 0 && _writing == 0 && _queue.Count == 0)
            {
                return Task.CompletedTask;
            }

            if (_idle.Task.IsCompleted)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Removes and returns every message still awaiting acknowledgement: for a resend on the next connection
    /// (<paramref name="keepIds"/>), or for good at shutdown or fault (their packet identifiers are freed).</summary>
    public List<OutgoingMessage> TakeInflight(bool keepIds = false)
    {
        List<OutgoingMessage> taken;
        lock (_lock)
        {
            taken = _inflight.Values.ToList();
            _inflight.Clear();
            Volatile.Write(ref _counters.Inflight, 0);
        }

        if (!keepIds)
        {
            foreach (var message in taken)
            {
                Forget(message);
            }
        }

        return taken;
    }

    /// <summary>Frees the packet identifier of a message that will not be sent again (dropped, failed, shut down).</summary>
    public void Forget(OutgoingMessage message)
    {
        if (message.PacketId != 0)
        {
            _state.Ids.Remove(message.PacketId, message);
            message.PacketId = 0;
            message.Released = false;
        }
    }

    private async Task PumpSessionAsync(ConnectionSession session, CancellationToken stopping)
    {
        var stream = session.Stream!;
        var window = new InflightWindow(session.InflightLimit);
        Volatile.Write(ref _window, window);
        _aliases = new OutgoingTopicAliases(session.Protocol == MqttProtocol.V500 ? session.ConnAck?.TopicAliasMaximum ?? 0 : (ushort)0);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, session.Lost);
        var token = linked.Token;

        // Messages go out in corked batches: the stream gathers a batch into one socket write when the batch ends
        // (queue empty, window full, or BatchSize reached).
        var batch = 0;

        // Messages left to send on a writer's thread after it resumed the pump there; 0 when on the thread pool.
        var inlineBudget = 0;
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (inlineBudget > 0 && --inlineBudget == 0)
                {
                    // The writer that woke us must get its thread back however much other writers keep queueing.
                    batch = await EndBatchAsync(stream, batch, session).ConfigureAwait(false);
                    await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                }

                OutgoingMessage? message;
                lock (_lock)
                {
                    // Dequeued and marked in transit under one lock, so WhenIdleAsync never sees a message in neither place.
                    if (_queue.TryDequeue(out message))
                    {
                        if (message.Qos == Qos.AtMostOnce)
                        {
                            _writing++;
                        }
                        else
                        {
                            _inflight[message.Sequence] = message;
                        }
                    }
                }

                if (message is null)
                {
                    batch = await EndBatchAsync(stream, batch, session).ConfigureAwait(false);
                    SignalIdleIfDone();
                    inlineBudget = 0;
                    await _queue.WaitToReadAsync(token).ConfigureAwait(false);
                    inlineBudget = _queue.TakeResumedInline() ? InlineBudget : 0;
                    continue;
                }

                if (batch++ == 0)
                {
                    stream.Cork();
                }

                if (message.Qos == Qos.AtMostOnce)
                {
                    try
                    {
                        await WriteAtMostOnceAsync(session, message).ConfigureAwait(false);
                    }
                    finally
                    {
                        lock (_lock)
                        {
                            _writing--;
                        }

                        SignalIdleIfDone();
                    }
                }
                else
                {
                    if (window.IsFull)
                    {
                        // Acknowledgements can only come for packets that were sent: release the batch before waiting.
                        batch = await EndBatchAsync(stream, batch, session).ConfigureAwait(false);
                    }

                    try
                    {
                        await window.AcquireAsync(token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    // Counted from here: sent and awaiting its acknowledgement (the window bounds this number).
                    Interlocked.Increment(ref _counters.Inflight);
                    message.Attempts++;
                    if (!await WriteAcknowledgedAsync(session, message, window).ConfigureAwait(false))
                    {
                        break;
                    }
                }

                if (batch >= BatchSize)
                {
                    batch = await EndBatchAsync(stream, batch, session).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await EndBatchAsync(stream, batch, session).ConfigureAwait(false);
        }

        // The session is gone (or we are stopping): put everything unacknowledged back, in order, for the next
        // session. The messages keep their packet identifiers (a kept session recognises the resend).
        Interlocked.CompareExchange(ref _window, null, window);
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        var unacknowledged = TakeInflight(keepIds: true);
        if (unacknowledged.Count > 0)
        {
            Interlocked.Add(ref _counters.Resent, unacknowledged.Count);
            _queue.Requeue(unacknowledged);
        }
    }

    /// <summary>Ends a corked batch: its packets leave in one socket write. Returns the new batch size (0).</summary>
    private static async ValueTask<int> EndBatchAsync(CoalescingStream stream, int batch, ConnectionSession session)
    {
        if (batch == 0)
        {
            return 0;
        }

        try
        {
            await stream.UncorkAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The socket failed; the sends of this batch fail with it and are resent on the next session.
            session.MarkLost(ex);
        }

        return 0;
    }

    /// <summary>Writes a QoS 0 publish.</summary>
    private async ValueTask WriteAtMostOnceAsync(ConnectionSession session, OutgoingMessage message)
    {
        if (!TryEncode(session, message, packetId: 0, duplicate: false))
        {
            return;
        }

        try
        {
            await session.WritePublishAsync(_header.WrittenSpan, message.Payload.Span).ConfigureAwait(false);
            _aliases.Written(message.Topic);
            Interlocked.Increment(ref _counters.Published);
            message.Succeed();
        }
        catch (Exception ex)
        {
            // Not written: it waits for the next connection like anything else accepted while offline.
            _queue.Requeue([message]);
            session.MarkLost(ex);
        }
    }

    /// <summary>
    /// Writes a QoS 1/2 publish (or, for a QoS 2 message the kept session has already received, its PUBREL); the
    /// broker's acknowledgement completes it (<see cref="OnCompleted"/>). False when the connection failed: the
    /// message stays in flight and is resent on the next session.
    /// </summary>
    private async ValueTask<bool> WriteAcknowledgedAsync(ConnectionSession session, OutgoingMessage message, InflightWindow window)
    {
        // A message that comes back from a lost connection keeps its identifier. Only a kept session can recognise it:
        // for a new one it is a new message (and a QoS 2 message it had received is delivered already).
        var resend = message.PacketId != 0;
        if (resend && !session.SessionPresent && message.Released)
        {
            _state.Ids.Remove(message.PacketId, message);
            message.PacketId = 0;
            message.Released = false;
            Complete(message, 0, null, batch: null);
            return true;
        }

        if (!resend)
        {
            message.PacketId = _state.Ids.Add(message);
        }

        try
        {
            if (message.Released)
            {
                await session.WritePubRelAsync(message.PacketId).ConfigureAwait(false);
                return true;
            }

            if (!TryEncode(session, message, message.PacketId, duplicate: resend && session.SessionPresent))
            {
                _state.Ids.Remove(message.PacketId, message);
                message.PacketId = 0;
                Remove(message);
                Acknowledged?.Invoke(message);
                window.Release();
                return true;
            }

            await session.WritePublishAsync(_header.WrittenSpan, message.Payload.Span).ConfigureAwait(false);
            _aliases.Written(message.Topic);
            return true;
        }
        catch (Exception ex)
        {
            session.MarkLost(ex);
            return false;
        }
    }

    // The header goes to the scratch buffer; a message MQTT cannot carry is failed here (resending cannot help).
    private bool TryEncode(ConnectionSession session, OutgoingMessage message, ushort packetId, bool duplicate)
    {
        try
        {
            var alias = _aliases.Lookup(message.Topic, out var established);
            PublishPacketEncoder.WriteHeader(_header, message, packetId, session.Protocol, session.MaximumPacketSize, duplicate, alias, established);
            return true;
        }
        catch (ArgumentException ex)
        {
            Fail(message, ex);
            return false;
        }
    }

    /// <summary>The broker's PUBACK or PUBCOMP (or a refusing PUBREC) for a publish of ours, on the receive path: the
    /// caller's task completes with the rest of this read's acknowledgements (<see cref="FlushCompletions"/>).</summary>
    public void OnCompleted(OutgoingMessage message, byte reasonCode, string? reasonString) => Complete(message, reasonCode, reasonString, _completions);

    /// <summary>The receive loop is about to wait: complete the acknowledged publishes of its last read.</summary>
    public void FlushCompletions() => _completions.Flush();

    private void Complete(OutgoingMessage message, byte reasonCode, string? reasonString, CompletionBatch? batch)
    {
        // Only a message still in flight frees a slot: one already taken back for a resend belongs to a window that
        // is being discarded, and releasing the next session's window would overrun the broker's receive-maximum.
        if (TryRemove(message))
        {
            Volatile.Read(ref _window)?.Release();
            Acknowledged?.Invoke(message);
            Exception? error = null;
            if (reasonCode < 0x80)
            {
                Interlocked.Increment(ref _counters.Published);
            }
            else
            {
                error = ExceptionFactory.PublishRefused(message.Topic, reasonCode, reasonString);
                Record(message, error);
            }

            // A posted message has no completion to carry it to Succeed/Fail: its span ends here.
            message.EndTelemetry(error);

            if (batch is not null)
            {
                batch.Add(message, error);
            }
            else if (error is null)
            {
                message.Succeed();
            }
            else
            {
                message.Fail(error);
            }
        }
    }

    private void Remove(OutgoingMessage message) => TryRemove(message);

    /// <summary>Takes a message out of the in-flight set; false when it was no longer there (taken back for a resend).</summary>
    private bool TryRemove(OutgoingMessage message)
    {
        lock (_lock)
        {
            if (!_inflight.Remove(message.Sequence))
            {
                return false;
            }

            Interlocked.Decrement(ref _counters.Inflight);
        }

        SignalIdleIfDone();
        return true;
    }

    private void SignalIdleIfDone()
    {
        TaskCompletionSource? idle = null;
        lock (_lock)
        {
            if (_inflight.Count == 0 && _writing == 0 && _queue.Count == 0)
            {
                idle = _idle;
            }
        }

        idle?.TrySetResult();
    }

    private void Fail(OutgoingMessage message, Exception error)
    {
        Record(message, error);
        message.Fail(error);
    }

    private void Record(OutgoingMessage message, Exception error)
    {
        Interlocked.Increment(ref _counters.PublishErrors);
        _counters.RecordError(error);
        Log.PublishFailed(_logger, message.Topic, error);
    }
}
