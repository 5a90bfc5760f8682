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
        // RunContinuationsAsynchronously: completing a caller's await must never run user code on the pump.
        Completion = awaited ? new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    public string Topic { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    public Qos Qos { get; }

    public bool Retain { get; }

    public string? ResponseTopic { get; init; }

    public ReadOnlyMemory<byte> CorrelationData { get; init; }

    public string? ContentType { get; init; }

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

    public void Succeed() => Completion?.TrySetResult(EnvelopeId ?? string.Empty);

    public void Fail(Exception error) => Completion?.TrySetException(error);
}
