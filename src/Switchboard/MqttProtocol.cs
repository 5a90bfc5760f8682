namespace Switchboard;

/// <summary>MQTT protocol version used on the wire.</summary>
public enum MqttProtocol
{
    /// <summary>MQTT 5.0 (default). Falls back to 3.1.1 automatically when the broker refuses 5.0.</summary>
    V500,

    /// <summary>MQTT 3.1.1.</summary>
    V311,
}
