namespace Switchboard;

/// <summary>
/// MQTT control packet types: the high nibble of a fixed header's first byte. The values are the wire values of
/// MQTT 3.1.1 and 5.0 (AUTH exists on 5.0 only).
/// </summary>
internal enum PacketType : byte
{
    /// <summary>CONNECT: client request to connect.</summary>
    Connect = 1,

    /// <summary>CONNACK: the server's answer to CONNECT.</summary>
    ConnAck,

    /// <summary>PUBLISH: an application message.</summary>
    Publish,

    /// <summary>PUBACK: QoS 1 acknowledgement.</summary>
    PubAck,

    /// <summary>PUBREC: QoS 2, publish received (first answer).</summary>
    PubRec,

    /// <summary>PUBREL: QoS 2, publish release (answer to PUBREC).</summary>
    PubRel,

    /// <summary>PUBCOMP: QoS 2, publish complete (answer to PUBREL).</summary>
    PubComp,

    /// <summary>SUBSCRIBE: client subscribe request.</summary>
    Subscribe,

    /// <summary>SUBACK: the server's answer to SUBSCRIBE.</summary>
    SubAck,

    /// <summary>UNSUBSCRIBE: client unsubscribe request.</summary>
    Unsubscribe,

    /// <summary>UNSUBACK: the server's answer to UNSUBSCRIBE.</summary>
    UnsubAck,

    /// <summary>PINGREQ: keep-alive request.</summary>
    PingReq,

    /// <summary>PINGRESP: the server's answer to PINGREQ.</summary>
    PingResp,

    /// <summary>DISCONNECT: orderly close (sent by either side on 5.0, by the client only on 3.1.1).</summary>
    Disconnect,

    /// <summary>AUTH: extended authentication exchange (5.0 only).</summary>
    Auth,
}
