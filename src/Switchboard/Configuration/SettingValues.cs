using System.Globalization;

namespace Switchboard;

/// <summary>
/// The parsers behind every setting Switchboard reads as text (the <c>MQTT_*</c> variables of <see cref="OptionKeys"/>,
/// configuration sections bound by Switchboard.Hosting), public so that a library built on Switchboard reads its own
/// settings the same way. Each throws <see cref="SwitchboardConfigurationException"/> naming the setting and the value.
/// </summary>
public static class SettingValues
{
    /// <summary>Reads <c>true/false</c>, <c>1/0</c>, <c>yes/no</c> or <c>on/off</c> (any case).</summary>
    /// <param name="setting">The setting's name, for the exception (e.g. <c>MQTT_TLS_INSECURE</c>).</param>
    /// <param name="raw">The text as given.</param>
    /// <param name="label">How the message names the setting, when not just <paramref name="setting"/>.</param>
    public static bool ParseBool(string setting, string raw, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return raw.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new SwitchboardConfigurationException(setting, raw, $"{label ?? setting}='{raw}' is not a boolean; use true/false, 1/0, yes/no or on/off."),
        };
    }

    /// <summary>Reads a whole number between <paramref name="min"/> and <paramref name="max"/>.</summary>
    /// <param name="setting">The setting's name, for the exception.</param>
    /// <param name="raw">The text as given.</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <param name="max">The largest value allowed.</param>
    /// <param name="label">How the message names the setting, when not just <paramref name="setting"/>.</param>
    public static int ParseInt(string setting, string raw, int min = int.MinValue, int max = int.MaxValue, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (!int.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new SwitchboardConfigurationException(setting, raw, $"{label ?? setting}='{raw}' is not a whole number.");
        }

        if (value < min || value > max)
        {
            throw new SwitchboardConfigurationException(setting, raw, $"{label ?? setting}='{raw}' is out of range; it must be between {min} and {max}.");
        }

        return value;
    }

    /// <summary>
    /// Reads a duration as seconds (<c>30</c>, <c>0.5</c>), or also as <c>hh:mm:ss</c> (<c>00:00:30</c>) when
    /// <paramref name="allowClockFormat"/>. A bare number is always seconds, never days as the standard configuration
    /// binder reads it. Negative durations are refused.
    /// </summary>
    /// <param name="setting">The setting's name, for the exception.</param>
    /// <param name="raw">The text as given.</param>
    /// <param name="allowClockFormat">Whether <c>hh:mm:ss</c> is accepted too (configuration files); environment
    /// variables take seconds only.</param>
    /// <param name="label">How the message names the setting, when not just <paramref name="setting"/>.</param>
    public static TimeSpan ParseDuration(string setting, string raw, bool allowClockFormat = false, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        label ??= setting;
        var text = raw.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                throw new SwitchboardConfigurationException(setting, raw, $"{label}='{raw}' is out of range; it must be zero or a positive number of seconds.");
            }

            return TimeSpan.FromSeconds(seconds);
        }

        if (allowClockFormat && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
        {
            return span >= TimeSpan.Zero
                ? span
                : throw new SwitchboardConfigurationException(setting, raw, $"{label}='{raw}' is negative; it must be zero or positive.");
        }

        throw new SwitchboardConfigurationException(setting, raw, allowClockFormat
            ? $"{label}='{raw}' is not a duration; use seconds (30, 0.5) or hh:mm:ss (00:00:30)."
            : $"{label}='{raw}' is not a number of seconds (e.g. 30 or 0.5).");
    }

    /// <summary>Reads an MQTT protocol version: <c>5</c> (also <c>5.0</c>, <c>v5</c>) or <c>3.1.1</c> (also <c>311</c>, <c>4</c>).</summary>
    /// <param name="setting">The setting's name, for the exception.</param>
    /// <param name="raw">The text as given.</param>
    /// <param name="label">How the message names the setting, when not just <paramref name="setting"/>.</param>
    public static MqttProtocol ParseProtocol(string setting, string raw, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return raw.Trim().ToLowerInvariant() switch
        {
            "5" or "5.0" or "v5" or "v500" or "mqttv5" => MqttProtocol.V500,
            "3.1.1" or "311" or "4" or "v311" or "mqttv311" => MqttProtocol.V311,
            _ => throw new SwitchboardConfigurationException(setting, raw, $"{label ?? setting}='{raw}' is not a supported MQTT protocol version; use 5 or 3.1.1."),
        };
    }

    /// <summary>Reads an <see cref="Switchboard.OverflowPolicy"/>: <c>wait</c>, <c>drop-oldest</c> or <c>drop-newest</c>
    /// (underscores and the enum names work too).</summary>
    /// <param name="setting">The setting's name, for the exception.</param>
    /// <param name="raw">The text as given.</param>
    /// <param name="label">How the message names the setting, when not just <paramref name="setting"/>.</param>
    public static OverflowPolicy ParseOverflowPolicy(string setting, string raw, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return raw.Trim().ToLowerInvariant().Replace('_', '-') switch
        {
            "wait" => OverflowPolicy.Wait,
            "drop-oldest" or "dropoldest" => OverflowPolicy.DropOldest,
            "drop-newest" or "dropnewest" => OverflowPolicy.DropNewest,
            _ => throw new SwitchboardConfigurationException(setting, raw, $"{label ?? setting}='{raw}' is not an overflow policy; use wait, drop-oldest or drop-newest."),
        };
    }
}
