namespace Switchboard;

/// <summary>A decoded UNSUBACK.</summary>
internal sealed class UnsubAckPacket
{
    /// <summary>Packet identifier of the UNSUBSCRIBE it answers.</summary>
    public ushort PacketId { get; init; }

    /// <summary>MQTT 5: one reason code per topic filter, in order. Empty on 3.1.1, whose UNSUBACK has none.</summary>
    public byte[] ReasonCodes { get; init; } = [];

    /// <summary>MQTT 5 reason string (property 0x1F), for diagnostics only.</summary>
    public string? ReasonString { get; init; }
}
