using System.Buffers;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Switchboard;

/// <summary>
/// The one loop that moves messages from the <see cref="OutgoingQueue"/> to the broker. QoS ≥ 1 messages are sent in
/// acceptance order into a window no larger than the broker's receive-maximum; their acknowledgements arrive
/// concurrently. When the connection drops, every unacknowledged message goes back to the front of the queue in its
/// original order and is resent on the next connection: MQTTnet itself does neither.
/// </summary>
internal sealed class PublishPump
{
    private readonly OutgoingQueue _queue;
    private readonly ConnectionSupervisor _supervisor;
    private readonly ClientCounters _counters;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, OutgoingMessage> _inflight = [];
    private const int BatchSize = 64;

    // At most this many messages are sent on the thread of a writer that resumed the pump (one batch's worth).
    private const int InlineBudget = BatchSize;
    private int _writing;

    // Headers of the publish the pump is writing itself (only the pump's loop uses it).
    private readonly ArrayBufferWriter<byte> _header = new(256);
    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PublishPump(OutgoingQueue queue, ConnectionSupervisor supervisor, ClientCounters counters, ILogger logger, TimeProvider time)
    {
        _time = time;
        _queue = queue;
        _supervisor = supervisor;
        _counters = counters;
        _logger = logger;
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

    /// <summary>Removes and returns every message still awaiting acknowledgement (at shutdown or fault).</summary>
    public List<OutgoingMessage> TakeInflight()
    {
        lock (_lock)
        {
            var taken = _inflight.Values.ToList();
            _inflight.Clear();
            Volatile.Write(ref _counters.Inflight, 0);
            return taken;
        }
    }

    private async Task PumpSessionAsync(ConnectionSession session, CancellationToken stopping)
    {
        var stream = session.Stream;

        // On a plain TCP connection QoS 0 and 1 publishes are encoded and written here and their PUBACKs taken off the
        // stream before MQTTnet reads it: MQTTnet's per-publish machinery (a request object per packet, a linear
        // search per PUBACK, a thread hop per acknowledgement) was most of the cost of a QoS 1 publish.
        var direct = stream is { IsPacketAware: true };
        var limit = direct ? Math.Min(session.InflightLimit, PacketIdTable.MaxInflight) : session.InflightLimit;
        var window = new InflightWindow(limit);
        var ids = direct ? new PacketIdTable(limit, (message, reason, properties) => OnAcknowledged(message, reason, properties, window)) : null;
        if (ids is not null)
        {
            stream!.Acknowledgements = ids;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, session.Lost);
        var token = linked.Token;
        var sends = new List<Task>();

        // Messages go out in corked batches: MQTTnet writes each packet separately, the stream gathers a batch
        // into one socket write when the batch ends (queue empty, window full, or BatchSize reached).
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
                    stream?.Cork();
                }

                if (message.Qos == Qos.AtMostOnce)
                {
                    try
                    {
                        if (direct)
                        {
                            await WriteAtMostOnceAsync(session, message).ConfigureAwait(false);
                        }
                        else
                        {
                            await SendAtMostOnceAsync(session, message, token).ConfigureAwait(false);
                        }
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
                    if (ids is not null && message.Qos == Qos.AtLeastOnce)
                    {
                        if (!await WriteAtLeastOnceAsync(session, message, ids, window).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    else
                    {
                        var send = SendAcknowledgedAsync(session, message, window);
                        if (!send.IsCompleted)
                        {
                            sends.Add(send);
                            if (sends.Count > 4 * session.InflightLimit)
                            {
                                sends.RemoveAll(static t => t.IsCompleted);
                            }
                        }
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

        // The session is gone (or we are stopping): let the outstanding sends settle — they fail fast once MQTTnet
        // sees the dead connection — then put everything unacknowledged back, in order, for the next session.
        await Task.WhenAll(sends).ConfigureAwait(false);
        ids?.Close();
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        var unacknowledged = TakeInflight();
        if (unacknowledged.Count > 0)
        {
            Interlocked.Add(ref _counters.Resent, unacknowledged.Count);
            _queue.Requeue(unacknowledged);
        }
    }

    /// <summary>Ends a corked batch: its packets leave in one socket write. Returns the new batch size (0).</summary>
    private static async ValueTask<int> EndBatchAsync(CoalescingStream? stream, int batch, ConnectionSession session)
    {
        if (batch == 0 || stream is null)
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

    /// <summary>Writes a QoS 0 publish to the stream ourselves.</summary>
    private async ValueTask WriteAtMostOnceAsync(ConnectionSession session, OutgoingMessage message)
    {
        if (!TryEncode(session, message, packetId: 0))
        {
            return;
        }

        try
        {
            await WriteEncodedAsync(session.Stream!, message).ConfigureAwait(false);
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
    /// Writes a QoS 1 publish to the stream ourselves; its PUBACK completes it (<see cref="OnAcknowledged"/>). False
    /// when the connection failed: the message stays in flight and is resent on the next session.
    /// </summary>
    private async ValueTask<bool> WriteAtLeastOnceAsync(ConnectionSession session, OutgoingMessage message, PacketIdTable ids, InflightWindow window)
    {
        var id = ids.Add(message);
        if (!TryEncode(session, message, id))
        {
            ids.Remove(id);
            Remove(message);
            Acknowledged?.Invoke(message);
            window.Release();
            return true;
        }

        try
        {
            await WriteEncodedAsync(session.Stream!, message).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            session.MarkLost(ex);
            return false;
        }
    }

    // The header goes to the scratch buffer; a message MQTT cannot carry is failed here (resending cannot help).
    private bool TryEncode(ConnectionSession session, OutgoingMessage message, ushort packetId)
    {
        try
        {
            PublishPacketEncoder.WriteHeader(_header, message, packetId, session.Protocol, session.MaximumPacketSize);
            return true;
        }
        catch (ArgumentException ex)
        {
            Fail(message, ex);
            return false;
        }
    }

    private ValueTask WriteEncodedAsync(CoalescingStream stream, OutgoingMessage message) =>
        stream.WritePacketAsync(_header.WrittenSpan, message.Payload.Span);

    /// <summary>A PUBACK for a publish we wrote (on the connection's receive path).</summary>
    private void OnAcknowledged(OutgoingMessage message, byte reasonCode, ReadOnlySpan<byte> properties, InflightWindow window)
    {
        if (TryRemove(message))
        {
            Acknowledged?.Invoke(message);
            if (reasonCode < 0x80)
            {
                Interlocked.Increment(ref _counters.Published);
                message.Succeed();
            }
            else
            {
                Fail(message, ExceptionFactory.PublishRefused(message.Topic, reasonCode, MqttFraming.ReasonString(properties)));
            }
        }

        window.Release();
    }

    private async Task SendAtMostOnceAsync(ConnectionSession session, OutgoingMessage message, CancellationToken token)
    {
        try
        {
            await session.Client.PublishAsync(ToMqtt(message, session.Protocol), token).ConfigureAwait(false);
            Interlocked.Increment(ref _counters.Published);
            message.Succeed();
        }
        catch (Exception ex) when (token.IsCancellationRequested || ConnectionFailures.IsConnectionFailure(ex, session))
        {
            // Not written: it waits for the next connection like anything else accepted while offline.
            _queue.Requeue([message]);
            session.MarkLost(null);
        }
        catch (Exception ex)
        {
            Fail(message, ex);
        }
    }

    private async Task SendAcknowledgedAsync(ConnectionSession session, OutgoingMessage message, InflightWindow window)
    {
        try
        {
            var result = await session.Client.PublishAsync(ToMqtt(message, session.Protocol), session.Lost).ConfigureAwait(false);
            Remove(message);
            if (result.IsSuccess)
            {
                Interlocked.Increment(ref _counters.Published);
                Acknowledged?.Invoke(message);
                message.Succeed();
            }
            else
            {
                Acknowledged?.Invoke(message);
                Fail(message, ExceptionFactory.PublishRefused(message.Topic, (int)result.ReasonCode, result.ReasonString));
            }
        }
        catch (Exception ex) when (ConnectionFailures.IsConnectionFailure(ex, session))
        {
            // Left in the inflight set: resent after the reconnect.
            session.MarkLost(ex);
        }
        catch (Exception ex)
        {
            // Not a connection problem (e.g. a packet the client library refuses): resending cannot help.
            Remove(message);
            Acknowledged?.Invoke(message);
            Fail(message, ex);
        }
        finally
        {
            window.Release();
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
        Interlocked.Increment(ref _counters.PublishErrors);
        _counters.RecordError(error);
        Log.PublishFailed(_logger, message.Topic, error);
        message.Fail(error);
    }

    private static MqttApplicationMessage ToMqtt(OutgoingMessage message, MqttProtocol protocol)
    {
        var mqtt = new MqttApplicationMessage
        {
            Topic = message.Topic,
            PayloadSegment = MemoryToSegment(message.Payload),
            QualityOfServiceLevel = (MqttQualityOfServiceLevel)message.Qos,
            Retain = message.Retain,
        };
        if (protocol == MqttProtocol.V500)
        {
            // MQTTnet rejects MQTT 5 properties on a 3.1.1 connection; there the envelope id carries the correlation.
            mqtt.ResponseTopic = message.ResponseTopic;
            mqtt.ContentType = message.ContentType;
            if (!message.CorrelationData.IsEmpty)
            {
                mqtt.CorrelationData = message.CorrelationData.ToArray();
            }
        }

        return mqtt;
    }

    private static ArraySegment<byte> MemoryToSegment(ReadOnlyMemory<byte> memory) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out var segment) ? segment : new ArraySegment<byte>(memory.ToArray());
}
