namespace Switchboard;

/// <summary>MQTT quality of service of a publish or a subscription.</summary>
public enum Qos
{
    /// <summary>QoS 0: fire and forget; may be lost.</summary>
    AtMostOnce = 0,

    /// <summary>QoS 1: acknowledged by the broker; may be duplicated.</summary>
    AtLeastOnce = 1,

    /// <summary>QoS 2: four-way handshake; delivered once.</summary>
    ExactlyOnce = 2,
}
