namespace Switchboard;

/// <summary>
/// Which CONNACK and DISCONNECT reason codes (MQTT 5 numbering; the session engine maps 3.1.1 return codes onto them) are
/// fatal — retrying cannot help and would only hammer the broker — and a sentence for each that a person can act on.
/// </summary>
internal static class ReasonCodes
{
    /// <summary>True when a refused connection must not be retried.</summary>
    public static bool IsFatalConnAck(int code) => code switch
    {
        0x80 => false, // unspecified error
        0x83 => false, // implementation specific error
        0x88 => false, // server unavailable
        0x89 => false, // server busy
        0x97 => false, // quota exceeded
        0x9F => false, // connection rate exceeded
        0x81 => true,  // malformed packet
        0x82 => true,  // protocol error
        0x84 => true,  // unsupported protocol version (after the 3.1.1 fallback)
        0x85 => true,  // client identifier not valid
        0x86 => true,  // bad user name or password
        0x87 => true,  // not authorized
        0x8A => true,  // banned
        0x8C => true,  // bad authentication method
        0x90 => true,  // topic name invalid (the will topic)
        0x95 => true,  // packet too large
        0x99 => true,  // payload format invalid
        0x9A => true,  // retain not supported (the will)
        0x9B => true,  // QoS not supported (the will)
        0x9C => false, // use another server: the supervisor follows its Server Reference, or tries the next broker
        0x9D => false, // server moved: likewise (and the reference replaces the broker's entry)
        _ => code >= 0x80,
    };

    /// <summary>True when a DISCONNECT from the broker means reconnecting would fail again or fight someone.</summary>
    public static bool IsFatalDisconnect(int code) => code switch
    {
        0x87 => true,  // not authorized
        0x8C => true,  // bad authentication method
        0x8E => true,  // session taken over: another client uses our id; reconnecting would kick it off in a loop
        0x95 => true,  // packet too large: resending the same message would repeat this forever
        0x9C => false, // use another server: the supervisor follows its Server Reference, or tries the next broker
        0x9D => false, // server moved: likewise (and the reference replaces the broker's entry)
        _ => false,
    };

    public static string Describe(int code) => code switch
    {
        0x00 => "success",
        0x04 => "the broker closed the connection and published the will",
        0x80 => "the broker reported an unspecified error",
        0x81 => "the broker could not parse a packet (malformed packet)",
        0x82 => "the broker reported a protocol error",
        0x83 => "the broker refused for an implementation-specific reason",
        0x84 => "the broker does not support this MQTT protocol version",
        0x85 => "the broker rejected the client id; check MQTT_CLIENT_ID",
        0x86 => "the broker rejected the user name or password; check MQTT_USERNAME/MQTT_PASSWORD or the credentials in MQTT_URL",
        0x87 => "the broker says this client is not authorized; check the broker's ACLs for this user and client id",
        0x88 => "the broker is unavailable",
        0x89 => "the broker is busy",
        0x8A => "the broker has banned this client",
        0x8B => "the broker is shutting down",
        0x8C => "the broker does not accept this authentication method",
        0x8D => "the broker saw no packet within the keep-alive period",
        0x8E => "another client connected with the same client id and took over the session; give every instance its own MQTT_CLIENT_ID",
        0x8F => "the broker rejected a topic filter",
        0x90 => "the broker rejected a topic name",
        0x93 => "more messages were in flight than the broker's receive-maximum allows",
        0x94 => "the broker rejected a topic alias",
        0x95 => "a packet was larger than the broker allows",
        0x96 => "messages were sent faster than the broker allows",
        0x97 => "a broker quota was exceeded",
        0x98 => "an administrator closed the connection",
        0x99 => "the broker rejected the payload format",
        0x9A => "the broker does not support retained messages",
        0x9B => "the broker does not support this QoS",
        0x9C => "the broker asks the client to use another server",
        0x9D => "the broker has moved",
        0x9E => "the broker does not support shared subscriptions",
        0x9F => "connections are being made faster than the broker allows",
        0xA0 => "the broker's maximum connect time was reached",
        _ => $"the broker returned reason code {code}",
    };
}
