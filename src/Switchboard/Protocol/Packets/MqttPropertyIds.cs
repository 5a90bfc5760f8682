namespace Switchboard;

/// <summary>
/// MQTT 5 property identifiers (OASIS MQTT 5.0, section 2.2.2.2) that the control packets use, and their names for
/// error messages. Every identifier the spec defines is below 0x80, so each is one byte on the wire.
/// </summary>
internal static class MqttPropertyIds
{
    /// <summary>0x01, byte: payload format indicator.</summary>
    public const byte PayloadFormatIndicator = 0x01;

    /// <summary>0x02, four-byte integer: message expiry interval.</summary>
    public const byte MessageExpiryInterval = 0x02;

    /// <summary>0x03, UTF-8 string: content type.</summary>
    public const byte ContentType = 0x03;

    /// <summary>0x08, UTF-8 string: response topic.</summary>
    public const byte ResponseTopic = 0x08;

    /// <summary>0x09, binary data: correlation data.</summary>
    public const byte CorrelationData = 0x09;

    /// <summary>0x0B, variable byte integer: subscription identifier.</summary>
    public const byte SubscriptionIdentifier = 0x0B;

    /// <summary>0x11, four-byte integer: session expiry interval.</summary>
    public const byte SessionExpiryInterval = 0x11;

    /// <summary>0x12, UTF-8 string: assigned client identifier.</summary>
    public const byte AssignedClientIdentifier = 0x12;

    /// <summary>0x13, two-byte integer: server keep alive.</summary>
    public const byte ServerKeepAlive = 0x13;

    /// <summary>0x15, UTF-8 string: authentication method.</summary>
    public const byte AuthenticationMethod = 0x15;

    /// <summary>0x16, binary data: authentication data.</summary>
    public const byte AuthenticationData = 0x16;

    /// <summary>0x18, four-byte integer: will delay interval.</summary>
    public const byte WillDelayInterval = 0x18;

    /// <summary>0x1A, UTF-8 string: response information.</summary>
    public const byte ResponseInformation = 0x1A;

    /// <summary>0x1C, UTF-8 string: server reference.</summary>
    public const byte ServerReference = 0x1C;

    /// <summary>0x1F, UTF-8 string: reason string.</summary>
    public const byte ReasonString = 0x1F;

    /// <summary>0x21, two-byte integer: receive maximum.</summary>
    public const byte ReceiveMaximum = 0x21;

    /// <summary>0x22, two-byte integer: topic alias maximum.</summary>
    public const byte TopicAliasMaximum = 0x22;

    /// <summary>0x24, byte: maximum QoS.</summary>
    public const byte MaximumQos = 0x24;

    /// <summary>0x25, byte: retain available.</summary>
    public const byte RetainAvailable = 0x25;

    /// <summary>0x26, UTF-8 string pair: user property (the only one that may repeat in the packets here).</summary>
    public const byte UserProperty = 0x26;

    /// <summary>0x27, four-byte integer: maximum packet size.</summary>
    public const byte MaximumPacketSize = 0x27;

    /// <summary>0x28, byte: wildcard subscription available.</summary>
    public const byte WildcardSubscriptionAvailable = 0x28;

    /// <summary>0x29, byte: subscription identifiers available.</summary>
    public const byte SubscriptionIdentifiersAvailable = 0x29;

    /// <summary>0x2A, byte: shared subscription available.</summary>
    public const byte SharedSubscriptionAvailable = 0x2A;

    /// <summary>The spec's name of a property, lower case, for error messages; "unknown" for anything else.</summary>
    /// <param name="id">Property identifier.</param>
    public static string Name(byte id) => id switch
    {
        PayloadFormatIndicator => "payload format indicator",
        MessageExpiryInterval => "message expiry interval",
        ContentType => "content type",
        ResponseTopic => "response topic",
        CorrelationData => "correlation data",
        SubscriptionIdentifier => "subscription identifier",
        SessionExpiryInterval => "session expiry interval",
        AssignedClientIdentifier => "assigned client identifier",
        ServerKeepAlive => "server keep alive",
        AuthenticationMethod => "authentication method",
        AuthenticationData => "authentication data",
        0x17 => "request problem information",
        WillDelayInterval => "will delay interval",
        0x19 => "request response information",
        ResponseInformation => "response information",
        ServerReference => "server reference",
        ReasonString => "reason string",
        ReceiveMaximum => "receive maximum",
        TopicAliasMaximum => "topic alias maximum",
        0x23 => "topic alias",
        MaximumQos => "maximum QoS",
        RetainAvailable => "retain available",
        UserProperty => "user property",
        MaximumPacketSize => "maximum packet size",
        WildcardSubscriptionAvailable => "wildcard subscription available",
        SubscriptionIdentifiersAvailable => "subscription identifiers available",
        SharedSubscriptionAvailable => "shared subscription available",
        _ => "unknown",
    };
}
