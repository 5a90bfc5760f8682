namespace Switchboard;

/// <summary>
/// What goes into a CONNECT packet. MQTT 5 properties whose value is 0 are left out, because 0 is either the
/// spec's default (session expiry) or not a legal value at all (receive maximum, maximum packet size), and a
/// 3.1.1 connection sends none of them.
/// </summary>
internal sealed class ConnectPacket
{
    /// <summary>Protocol version to connect with (protocol level 4 for 3.1.1, 5 for 5.0).</summary>
    public required MqttProtocol Protocol { get; init; }

    /// <summary>Client identifier; may be empty (the broker then assigns one, or refuses on 3.1.1 without clean start).</summary>
    public required string ClientId { get; init; }

    /// <summary>User name; null = no user name flag.</summary>
    public string? Username { get; init; }

    /// <summary>Password; null = no password flag. On 3.1.1 a password needs a user name.</summary>
    public ReadOnlyMemory<byte>? Password { get; init; }

    /// <summary>Keep-alive in seconds; 0 = no keep-alive.</summary>
    public ushort KeepAliveSeconds { get; init; }

    /// <summary>Clean start (5.0) / clean session (3.1.1) flag.</summary>
    public bool CleanStart { get; init; }

    /// <summary>MQTT 5 session expiry interval in seconds (property 0x11); 0 = not sent (the session ends with the connection).</summary>
    public uint SessionExpiryInterval { get; init; }

    /// <summary>MQTT 5 receive maximum (property 0x21); 0 = not sent (the broker assumes 65,535).</summary>
    public ushort ReceiveMaximum { get; init; }

    /// <summary>MQTT 5 maximum packet size the client accepts (property 0x27); 0 = not sent (no limit).</summary>
    public uint MaximumPacketSize { get; init; }

    /// <summary>MQTT 5 topic alias maximum (property 0x22); 0 = not sent (the broker may use no aliases).</summary>
    public ushort TopicAliasMaximum { get; init; }

    /// <summary>The will; null = no will flag.</summary>
    public WillMessage? Will { get; init; }
}
