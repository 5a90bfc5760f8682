namespace Switchboard.HomeAssistant.State;

/// <summary>State of a <c>fan</c>: on/off, percentage (rescaled from <c>speed_range_min</c>..<c>speed_range_max</c>),
/// preset mode, oscillation and direction, each from its own topic and template.</summary>
internal static class FanStateReducer
{
    public static EntityState? Apply(StateContext context, string key)
    {
        var config = context.Config;
        var current = context.Current;
        switch (key)
        {
            case "state_topic":
                var state = context.Render("state_value_template");
                if (state is null || state.Length == 0)
                {
                    return null;
                }

                if (state == config.GetString("payload_on", "ON"))
                {
                    return current with { IsOn = true, Value = "on" };
                }

                if (state == config.GetString("payload_off", "OFF"))
                {
                    return current with { IsOn = false, Value = "off" };
                }

                return state == StateContext.PayloadNone ? current with { IsOn = null, Value = null } : context.Invalid(state, "not payload_on or payload_off");

            case "percentage_state_topic":
                var percentage = context.Render("percentage_value_template");
                if (percentage is null || percentage.Length == 0)
                {
                    return null;
                }

                if (percentage == config.GetString("payload_reset_percentage", StateContext.PayloadNone))
                {
                    return current with { Percentage = null };
                }

                if (StateContext.ParseDouble(percentage) is not { } speed)
                {
                    return context.Invalid(percentage, "not a number");
                }

                var value = RangedValueToPercentage(config.GetInt("speed_range_min", 1), config.GetInt("speed_range_max", 100), (long)speed);
                return value is < 0 or > 100
                    ? context.Invalid(percentage, "outside the speed range")
                    : current with { Percentage = value };

            case "preset_mode_state_topic":
                var preset = context.Render("preset_mode_value_template");
                if (preset is null || preset.Length == 0)
                {
                    return null;
                }

                if (preset == config.GetString("payload_reset_preset_mode", StateContext.PayloadNone))
                {
                    return current with { PresetMode = null };
                }

                return (config.GetStringList("preset_modes") ?? []).Contains(preset)
                    ? current with { PresetMode = preset }
                    : context.Invalid(preset, "not one of the preset_modes");

            case "oscillation_state_topic":
                var oscillation = context.Render("oscillation_value_template");
                if (oscillation is null || oscillation.Length == 0)
                {
                    return null;
                }

                if (oscillation == config.GetString("payload_oscillation_on", "oscillate_on"))
                {
                    return current with { Oscillating = true };
                }

                return oscillation == config.GetString("payload_oscillation_off", "oscillate_off")
                    ? current with { Oscillating = false }
                    : context.Invalid(oscillation, "not payload_oscillation_on or payload_oscillation_off");

            case "direction_state_topic":
                var direction = context.Render("direction_value_template");
                if (direction is null || direction.Length == 0)
                {
                    return null;
                }

                return direction is "forward" or "reverse" ? current with { Direction = direction } : context.Invalid(direction, "not forward or reverse");

            default:
                return null;
        }
    }

    /// <summary>Home Assistant's <c>ranged_value_to_percentage</c>.</summary>
    public static int RangedValueToPercentage(int low, int high, long value)
    {
        var offset = low - 1;
        var states = high - low + 1;
        return (int)Math.Floor((value - offset) * 100.0 / states);
    }

    /// <summary>Home Assistant's <c>math.ceil(percentage_to_ranged_value(...))</c>.</summary>
    public static int PercentageToRangedValue(int low, int high, int percentage)
    {
        var states = high - low + 1;
        return (int)Math.Ceiling(states * percentage / 100.0) + (low - 1);
    }
}
