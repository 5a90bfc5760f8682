namespace Switchboard;

/// <summary>A decoded PUBACK, PUBREC, PUBREL or PUBCOMP (the four share one layout).</summary>
/// <param name="Type">Which of the four it is.</param>
/// <param name="PacketId">Packet identifier of the publish it belongs to.</param>
/// <param name="ReasonCode">MQTT 5 reason code; 0 (success) on 3.1.1 and when the broker left it out.</param>
/// <param name="ReasonString">MQTT 5 reason string (property 0x1F), for diagnostics only.</param>
internal readonly record struct AckPacket(PacketType Type, ushort PacketId, byte ReasonCode, string? ReasonString);
