using System.Text.Json;

namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of a <c>device_tracker</c> (<c>device_tracker.py</c>): <c>state_topic</c> through <c>value_template</c> is
/// <c>payload_home</c> (<c>home</c>), <c>payload_not_home</c> (<c>not_home</c>), <c>payload_reset</c> (<c>None</c>,
/// unknown) or a zone name, kept as is. GPS comes from the <c>latitude</c>, <c>longitude</c> and <c>gps_accuracy</c>
/// attributes of <c>json_attributes_topic</c>.
/// </summary>
internal static class DeviceTrackerStateReducer
{
    public static EntityState? Apply(StateContext context)
    {
        var value = context.Render("value_template");
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var config = context.Config;
        if (value == config.GetString("payload_home", "home"))
        {
            return context.Current with { Value = "home" };
        }

        if (value == config.GetString("payload_not_home", "not_home"))
        {
            return context.Current with { Value = "not_home" };
        }

        return value == config.GetString("payload_reset", StateContext.PayloadNone)
            ? context.Current with { Value = null }
            : context.Current with { Value = value };
    }

    /// <summary>Reads the GPS attributes into the state: both coordinates or neither, as Home Assistant does.</summary>
    public static EntityState WithLocation(EntityState state)
    {
        var attributes = state.Attributes;
        if (Number(attributes, "latitude") is { } latitude && Number(attributes, "longitude") is { } longitude)
        {
            return state with { Latitude = latitude, Longitude = longitude, GpsAccuracy = Number(attributes, "gps_accuracy") ?? 0 };
        }

        return state with { Latitude = null, Longitude = null, GpsAccuracy = null };
    }

    private static double? Number(IReadOnlyDictionary<string, JsonElement> attributes, string key) =>
        attributes.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
