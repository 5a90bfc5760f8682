namespace Switchboard;

/// <summary>A setting is missing or has a value that is not allowed. The message names the setting, its
/// environment variable and the bad value (secrets masked).</summary>
public sealed class SwitchboardConfigurationException : SwitchboardException
{
    /// <summary>Creates the exception for one setting.</summary>
    public SwitchboardConfigurationException(string setting, string? value, string message)
        : base(message)
    {
        Setting = setting;
        Value = value;
    }

    /// <summary>The setting that is wrong, e.g. <c>MQTT_KEEPALIVE</c> or <c>KeepAlive</c>.</summary>
    public string Setting { get; }

    /// <summary>The offending value as given (passwords masked), or null when it was missing.</summary>
    public string? Value { get; }
}
