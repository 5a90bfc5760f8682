namespace Switchboard;

/// <summary>The outgoing queue was full and its <see cref="OverflowPolicy"/> dropped this message.</summary>
public sealed class MessageDroppedException : MqttPublishException
{
    /// <summary>Creates the exception.</summary>
    public MessageDroppedException(string topic, OverflowPolicy policy, int capacity)
        : base($"The message to '{topic}' was dropped: the outgoing queue is full ({capacity} messages) and the overflow policy is {policy}.", topic, 0)
    {
        Policy = policy;
    }

    /// <summary>The policy that dropped the message.</summary>
    public OverflowPolicy Policy { get; }
}
