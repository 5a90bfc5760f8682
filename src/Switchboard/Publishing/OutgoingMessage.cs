namespace Switchboard;

/// <summary>
/// One accepted publish on its way to the broker, with the completion its caller awaits (none for <c>Post</c>). The
/// completion's result is the envelope id (empty for a plain publish), so <c>PublishEventAsync</c> can hand out the
/// completion's task itself rather than wrapping it.
/// </summary>
internal sealed class OutgoingMessage
{
    public OutgoingMessage(string topic, ReadOnlyMemory<byte> payload, Qos qos, bool retain, bool awaited)
    {
        Topic = topic;
        Payload = payload;
        Qos = qos;
        Retain = retain;
        // Completing a caller's await must never run user code on the pump or the receive loop. QoS 0 is completed on
        // the pump, so its continuations run asynchronously. QoS >= 1 is completed by acknowledgements, which arrive in
        // batches on the receive loop: they are completed together by one thread-pool work item (CompleteHere), not
        // one work item per message, so its continuations may run synchronously there.
        Completion = !awaited ? null
            : new TaskCompletionSource<string>(qos == Qos.AtMostOnce ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
    }

    public string Topic { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    public Qos Qos { get; }

    public bool Retain { get; }

    public string? ResponseTopic { get; init; }

    public ReadOnlyMemory<byte> CorrelationData { get; init; }

    public string? ContentType { get; init; }

    /// <summary>MQTT 5 user properties, in order (left out on 3.1.1); the W3C trace context travels here.</summary>
    public KeyValuePair<string, string>[]? UserProperties { get; set; }

    /// <summary>Acceptance order; unacknowledged messages are resent in this order after a reconnect.</summary>
    public long Sequence { get; set; }

    /// <summary>Times this message was handed to the broker connection.</summary>
    public int Attempts { get; set; }

    /// <summary>True for messages the durable outbox keeps (user publishes at QoS ≥ 1, not the client's own health).</summary>
    public bool Durable { get; init; }

    /// <summary>Id in the durable outbox once written there; -1 otherwise.</summary>
    public long OutboxPosition { get; set; } = -1;

    /// <summary>The envelope id, for an envelope published by <c>PublishEventAsync</c>.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>The packet identifier while the broker has not acknowledged the message (0 = none yet). Kept across
    /// reconnects, so a resend to a kept session carries the same identifier with DUP set.</summary>
    public ushort PacketId { get; set; }

    /// <summary>QoS 2: the broker's PUBREC arrived; what is left is PUBREL → PUBCOMP (a resend is a PUBREL).</summary>
    public bool Released { get; set; }

    public TaskCompletionSource<string>? Completion { get; }

    /// <summary>The publish span and the start of the publish duration metric, while someone listens to either; ended
    /// once, with the message (<see cref="EndTelemetry(Exception?)"/>). Null (nothing allocated) while nobody listens.</summary>
    public PublishTelemetry? Telemetry
    {
        get => Volatile.Read(ref _telemetry);
        set => _telemetry = value;
    }

    private PublishTelemetry? _telemetry;

    /// <summary>Ends the publish span and records the duration, if either is there: the message was written (QoS 0),
    /// acknowledged, or failed with <paramref name="error"/>.</summary>
    public void EndTelemetry(Exception? error)
    {
        if (_telemetry is not null)
        {
            EndTelemetry(error?.GetType().FullName, error?.Message);
        }
    }

    /// <summary>As <see cref="EndTelemetry(Exception?)"/>, failed with <paramref name="errorType"/> when that is given.</summary>
    public void EndTelemetry(string? errorType, string? description)
    {
        if (_telemetry is not null && Interlocked.Exchange(ref _telemetry, null) is { } telemetry)
        {
            telemetry.End(errorType, description);
        }
    }

    /// <summary>Completes the caller's task; its continuation never runs on this thread.</summary>
    public void Succeed()
    {
        EndTelemetry(error: null);
        if (Qos == Qos.AtMostOnce || Completion is null)
        {
            Completion?.TrySetResult(EnvelopeId ?? string.Empty);
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static message => message.CompleteHere(null), this, preferLocal: false);
    }

    /// <summary>Fails the caller's task; its continuation never runs on this thread.</summary>
    public void Fail(Exception error)
    {
        EndTelemetry(error);
        if (Qos == Qos.AtMostOnce || Completion is null)
        {
            Completion?.TrySetException(error);
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Message.CompleteHere(state.Error), (Message: this, Error: error), preferLocal: false);
    }

    /// <summary>
    /// Completes the caller's task on this thread, running a QoS >= 1 caller's continuation here: only for a thread-pool
    /// work item that holds no lock (<see cref="Succeed"/>, <see cref="Fail"/>, <see cref="CompletionBatch"/>).
    /// </summary>
    public void CompleteHere(Exception? error)
    {
        if (error is null)
        {
            Completion?.TrySetResult(EnvelopeId ?? string.Empty);
        }
        else
        {
            Completion?.TrySetException(error);
        }
    }
}
