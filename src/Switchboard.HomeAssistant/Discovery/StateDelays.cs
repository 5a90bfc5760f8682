using System.Globalization;
using System.Text.Json;

namespace Switchboard.HomeAssistant.Discovery;

/// <summary>
/// The delays Home Assistant applies after a state message: <c>expire_after</c> (sensor, binary sensor) and
/// <c>off_delay</c> (binary sensor). Both are Home Assistant's <c>cv.positive_int</c>: whole seconds, 0 or more, given
/// as a number (Python's <c>int()</c> truncates a fraction) or as whole-number text; anything else makes Home Assistant
/// refuse the config, so <see cref="ConfigValidator"/> refuses it too. Other components have no such keys; there they
/// are unknown and dropped like any other unknown key.
/// </summary>
internal static class StateDelays
{
    public const string ExpireAfterKey = "expire_after";
    public const string OffDelayKey = "off_delay";

    // Far beyond any uptime, and small enough that TimeSpan arithmetic on it cannot overflow.
    private const double MaxSeconds = 1e11;

    /// <summary><c>expire_after</c>; null when absent or 0 (Home Assistant's "never expires") or the component has no such key.</summary>
    public static TimeSpan? ExpireAfter(string component, ConfigView config) =>
        HasExpireAfter(component) && Read(config, ExpireAfterKey, out _) is { } delay && delay > TimeSpan.Zero ? delay : null;

    /// <summary><c>off_delay</c>; null when absent or the component has no such key. 0 is a delay: Home Assistant then turns
    /// the sensor off right after it turned on.</summary>
    public static TimeSpan? OffDelay(string component, ConfigView config) =>
        component == HomeAssistantComponents.BinarySensor ? Read(config, OffDelayKey, out _) : null;

    /// <summary>Why the config's delays are unacceptable, or null when they are fine (or absent).</summary>
    public static string? Validate(string component, ConfigView config)
    {
        string? error = null;
        if (HasExpireAfter(component))
        {
            Read(config, ExpireAfterKey, out error);
        }

        if (error is null && component == HomeAssistantComponents.BinarySensor)
        {
            Read(config, OffDelayKey, out error);
        }

        return error;
    }

    private static bool HasExpireAfter(string component) =>
        component is HomeAssistantComponents.Sensor or HomeAssistantComponents.BinarySensor;

    private static TimeSpan? Read(ConfigView config, string key, out string? error)
    {
        error = null;
        if (!config.TryGet(key, out var value))
        {
            return null;
        }

        double? seconds = value.ValueKind switch
        {
            JsonValueKind.Number => Math.Truncate(value.GetDouble()),
            JsonValueKind.String when long.TryParse(value.GetString()!.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) => whole,
            _ => null,
        };
        if (seconds is not { } s || !double.IsFinite(s) || s < 0)
        {
            error = $"'{key}' must be a whole number of seconds, 0 or more, not {value.GetRawText()}";
            return null;
        }

        return TimeSpan.FromSeconds(Math.Min(s, MaxSeconds));
    }
}
