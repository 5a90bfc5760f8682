namespace Switchboard;

/// <summary>The broker refused or dropped the connection. <see cref="ReasonCode"/> is the CONNACK or DISCONNECT
/// reason code (MQTT 5 numbering), and the message is a sentence saying what to do about it.</summary>
public sealed class MqttConnectionException : SwitchboardException
{
    /// <summary>Creates the exception.</summary>
    public MqttConnectionException(string message, int reasonCode, bool isFatal, Exception? innerException = null)
        : base(message, innerException)
    {
        ReasonCode = reasonCode;
        IsFatal = isFatal;
        Data["ReasonCode"] = reasonCode;
    }

    /// <summary>The MQTT 5 CONNACK/DISCONNECT reason code (e.g. 134 = bad user name or password), or 0 for a
    /// network-level failure with no reason code.</summary>
    public int ReasonCode { get; }

    /// <summary>True when retrying cannot help (credentials, authorization, ban …); the client is then <see cref="ConnectionState.Faulted"/>.</summary>
    public bool IsFatal { get; }

    /// <summary>The MQTT 5 Server Reference of a CONNACK or DISCONNECT with reason code 0x9C or 0x9D: where the broker
    /// sends the client (the supervisor follows it).</summary>
    internal string? ServerReference { get; init; }

    /// <summary>The client itself ends the connection to have it made again with the same broker (not a sign that the
    /// broker is gone, so the supervisor does not move on to the next one).</summary>
    internal bool SameBroker { get; init; }
}
