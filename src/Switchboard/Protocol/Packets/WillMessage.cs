namespace Switchboard;

/// <summary>
/// The will of a CONNECT: the message the broker publishes on the client's behalf when the connection ends without a
/// DISCONNECT. The MQTT 5 will properties are left out on 3.1.1 connections.
/// </summary>
internal sealed class WillMessage
{
    /// <summary>Topic name the will is published to (not a filter: no wildcards).</summary>
    public required string Topic { get; init; }

    /// <summary>The will's payload (at most 65,535 bytes: MQTT gives it a two-byte length).</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>QoS the broker publishes the will with.</summary>
    public Qos Qos { get; init; }

    /// <summary>Whether the will is published as a retained message.</summary>
    public bool Retain { get; init; }

    /// <summary>MQTT 5 content type (property 0x03); null = not sent.</summary>
    public string? ContentType { get; init; }

    /// <summary>MQTT 5 will delay interval in seconds (property 0x18); 0 = publish at once, not sent.</summary>
    public uint DelayInterval { get; init; }

    /// <summary>MQTT 5 message expiry interval in seconds (property 0x02); null = the will never expires.</summary>
    public uint? MessageExpiryInterval { get; init; }
}
