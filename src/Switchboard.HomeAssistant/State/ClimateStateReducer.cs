namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of a <c>climate</c> entity: one topic per attribute, each with its own template and <c>value_template</c> as
/// the fallback (as Home Assistant does). Modes must be among the configured (or default) lists.
/// </summary>
internal static class ClimateStateReducer
{
    private static readonly string[] DefaultModes = ["auto", "off", "cool", "heat", "dry", "fan_only"];
    private static readonly string[] DefaultFanModes = ["auto", "low", "medium", "high"];
    private static readonly string[] DefaultSwingModes = ["on", "off"];
    private static readonly string[] Actions = ["off", "preheating", "defrosting", "heating", "cooling", "drying", "idle", "fan"];

    public static EntityState? Apply(StateContext context, string key) => key switch
    {
        "current_temperature_topic" => Number(context, "current_temperature_template", (s, v) => s with { CurrentTemperature = v }),
        "current_humidity_topic" => Number(context, "current_humidity_template", (s, v) => s with { CurrentHumidity = v }),
        "temperature_state_topic" => Number(context, "temperature_state_template", (s, v) => s with { TargetTemperature = v }),
        "temperature_low_state_topic" => Number(context, "temperature_low_state_template", (s, v) => s with { TargetTemperatureLow = v }),
        "temperature_high_state_topic" => Number(context, "temperature_high_state_template", (s, v) => s with { TargetTemperatureHigh = v }),
        "target_humidity_state_topic" => Number(context, "target_humidity_state_template", (s, v) => s with { TargetHumidity = v }),
        "mode_state_topic" => Mode(context, "mode_state_template", "modes", DefaultModes, (s, v) => s with { HvacMode = v, Value = v }),
        "fan_mode_state_topic" => Mode(context, "fan_mode_state_template", "fan_modes", DefaultFanModes, (s, v) => s with { FanMode = v }),
        "swing_mode_state_topic" => Mode(context, "swing_mode_state_template", "swing_modes", DefaultSwingModes, (s, v) => s with { SwingMode = v }),
        "swing_horizontal_mode_state_topic" => Mode(context, "swing_horizontal_mode_state_template", "swing_horizontal_modes", DefaultSwingModes, (s, v) => s with { SwingHorizontalMode = v }),
        "preset_mode_state_topic" => Mode(context, "preset_mode_value_template", "preset_modes", ["none"], (s, v) => s with { PresetMode = v }, alsoAllowed: "none"),
        "action_topic" => Mode(context, "action_template", null, Actions, (s, v) => s with { HvacAction = v }),
        _ => null,
    };

    internal static EntityState? Number(StateContext context, string templateKey, Func<EntityState, double?, EntityState> set)
    {
        var value = context.Render(templateKey, "value_template");
        if (value is null || value.Length == 0)
        {
            return null;
        }

        if (value == StateContext.PayloadNone)
        {
            return set(context.Current, null);
        }

        return StateContext.ParseDouble(value) is { } number ? set(context.Current, number) : context.Invalid(value, "not a number");
    }

    internal static EntityState? Mode(StateContext context, string templateKey, string? listKey, string[] defaults, Func<EntityState, string?, EntityState> set, string? alsoAllowed = null)
    {
        var value = context.Render(templateKey, "value_template");
        if (value is null || value.Length == 0)
        {
            return null;
        }

        if (value == StateContext.PayloadNone)
        {
            return set(context.Current, null);
        }

        var allowed = (listKey is null ? null : context.Config.GetStringList(listKey)) ?? defaults;
        if (!allowed.Contains(value) && value != alsoAllowed)
        {
            return context.Invalid(value, $"not one of {string.Join(", ", allowed)}");
        }

        return set(context.Current, value);
    }
}
