namespace Switchboard;

/// <summary>A decoded SUBACK: one reason code per topic filter of the SUBSCRIBE, in order.</summary>
internal sealed class SubAckPacket
{
    /// <summary>Packet identifier of the SUBSCRIBE it answers.</summary>
    public ushort PacketId { get; init; }

    /// <summary>Granted QoS (0–2) or a failure code (≥ 0x80) per filter; never empty.</summary>
    public byte[] ReasonCodes { get; init; } = [];

    /// <summary>MQTT 5 reason string (property 0x1F), for diagnostics only.</summary>
    public string? ReasonString { get; init; }
}
