namespace Switchboard;

/// <summary>
/// A decoded CONNACK. Properties the broker did not send keep the value MQTT 5 says applies when they are absent,
/// so a 3.1.1 CONNACK reads as a 5.0 one without properties.
/// </summary>
internal sealed class ConnAckPacket
{
    /// <summary>Whether the broker resumed an existing session.</summary>
    public bool SessionPresent { get; init; }

    /// <summary>The 3.1.1 return code (0–5) as is, or the 5.0 reason code (0 = success, ≥ 0x80 = refused).</summary>
    public byte ReasonCode { get; init; }

    /// <summary>Reason string (property 0x1F), for diagnostics only.</summary>
    public string? ReasonString { get; init; }

    /// <summary>Receive maximum (property 0x21): QoS 1/2 publishes the broker takes in flight; 0 = absent (65,535).</summary>
    public ushort ReceiveMaximum { get; init; }

    /// <summary>Maximum packet size the broker accepts (property 0x27); 0 = absent (no limit).</summary>
    public uint MaximumPacketSize { get; init; }

    /// <summary>Topic alias maximum (property 0x22): aliases the client may use; 0 = none.</summary>
    public ushort TopicAliasMaximum { get; init; }

    /// <summary>Client identifier the broker assigned (property 0x12), when the client sent an empty one.</summary>
    public string? AssignedClientIdentifier { get; init; }

    /// <summary>Keep-alive the broker imposes in seconds (property 0x13); null = the client's own value stands.</summary>
    public ushort? ServerKeepAlive { get; init; }

    /// <summary>Highest QoS the broker supports (property 0x24); 2 when absent.</summary>
    public byte MaximumQos { get; init; } = 2;

    /// <summary>Whether retained messages are supported (property 0x25).</summary>
    public bool RetainAvailable { get; init; } = true;

    /// <summary>Whether wildcard subscriptions are supported (property 0x28).</summary>
    public bool WildcardSubscriptionAvailable { get; init; } = true;

    /// <summary>Whether subscription identifiers are supported (property 0x29).</summary>
    public bool SubscriptionIdentifiersAvailable { get; init; } = true;

    /// <summary>Whether shared subscriptions are supported (property 0x2A).</summary>
    public bool SharedSubscriptionAvailable { get; init; } = true;

    /// <summary>Session expiry interval the broker imposes (property 0x11); null = the client's own value stands.</summary>
    public uint? SessionExpiryInterval { get; init; }

    /// <summary>Another server to use (property 0x1C), with reason codes 0x9C/0x9D.</summary>
    public string? ServerReference { get; init; }

    /// <summary>Response information (property 0x1A), when the client asked for it.</summary>
    public string? ResponseInformation { get; init; }
}
