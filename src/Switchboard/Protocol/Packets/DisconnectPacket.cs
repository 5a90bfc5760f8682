namespace Switchboard;

/// <summary>A decoded DISCONNECT sent by the broker (MQTT 5; a 3.1.1 DISCONNECT carries nothing).</summary>
internal sealed class DisconnectPacket
{
    /// <summary>Reason code; 0 (normal disconnection) when the body is empty.</summary>
    public byte ReasonCode { get; init; }

    /// <summary>Reason string (property 0x1F), for diagnostics only.</summary>
    public string? ReasonString { get; init; }

    /// <summary>Another server to use (property 0x1C), with reason codes 0x9C/0x9D.</summary>
    public string? ServerReference { get; init; }

    /// <summary>Session expiry interval (property 0x11). A broker must not send it; decoded so the caller can tell.</summary>
    public uint? SessionExpiryInterval { get; init; }
}
