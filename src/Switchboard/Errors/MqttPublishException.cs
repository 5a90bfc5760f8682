namespace Switchboard;

/// <summary>The broker refused a publish (PUBACK/PUBREC with a failure reason code), or the message could not be
/// delivered before shutdown or a fatal fault.</summary>
public class MqttPublishException : SwitchboardException
{
    /// <summary>Creates the exception.</summary>
    public MqttPublishException(string message, string topic, int reasonCode, Exception? innerException = null)
        : base(message, innerException)
    {
        Topic = topic;
        ReasonCode = reasonCode;
        Data["Topic"] = topic;
        Data["ReasonCode"] = reasonCode;
    }

    /// <summary>The topic of the failed message.</summary>
    public string Topic { get; }

    /// <summary>The MQTT 5 reason code the broker gave (e.g. 135 = not authorized), or 0 when there was none.</summary>
    public int ReasonCode { get; }
}
