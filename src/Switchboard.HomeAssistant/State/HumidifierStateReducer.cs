namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of a <c>humidifier</c> (<c>humidifier.py</c>): on/off on <c>state_topic</c> (<c>state_value_template</c>,
/// <c>payload_on</c>/<c>payload_off</c>), the target humidity on <c>target_humidity_state_topic</c> and the measured one
/// on <c>current_humidity_topic</c> (rounded like Python, within <c>min_humidity</c>..<c>max_humidity</c> resp. 0–100;
/// <c>payload_reset_humidity</c> clears), the mode on <c>mode_state_topic</c> (one of <c>modes</c>;
/// <c>payload_reset_mode</c> clears) and the action on <c>action_topic</c>.
/// </summary>
internal static class HumidifierStateReducer
{
    public static readonly string[] Actions = ["off", "humidifying", "drying", "idle"];

    public static EntityState? Apply(StateContext context, string key) => key switch
    {
        "state_topic" => ApplyState(context),
        "target_humidity_state_topic" => Humidity(context, "target_humidity_state_template", context.Config.GetDouble("min_humidity", 0), context.Config.GetDouble("max_humidity", 100), (s, v) => s with { TargetHumidity = v }),
        "current_humidity_topic" => Humidity(context, "current_humidity_template", 0, 100, (s, v) => s with { CurrentHumidity = v }),
        "mode_state_topic" => ApplyMode(context),
        "action_topic" => ApplyAction(context),
        _ => null,
    };

    private static EntityState? ApplyState(StateContext context)
    {
        var value = context.Render("state_value_template");
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value == context.Config.GetString("payload_on", "ON"))
        {
            return context.Current with { IsOn = true, Value = "on" };
        }

        if (value == context.Config.GetString("payload_off", "OFF"))
        {
            return context.Current with { IsOn = false, Value = "off" };
        }

        return value == StateContext.PayloadNone
            ? context.Current with { IsOn = null, Value = null }
            : context.Invalid(value, "not payload_on or payload_off");
    }

    private static EntityState? Humidity(StateContext context, string templateKey, double min, double max, Func<EntityState, double?, EntityState> set)
    {
        var value = context.Render(templateKey);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value == context.Config.GetString("payload_reset_humidity", StateContext.PayloadNone))
        {
            return set(context.Current, null);
        }

        if (StateContext.ParseDouble(value) is not { } parsed)
        {
            return context.Invalid(value, "not a humidity");
        }

        var humidity = Math.Round(parsed, MidpointRounding.ToEven);
        return humidity < min || humidity > max
            ? context.Invalid(value, $"outside {StateContext.Format(min)} – {StateContext.Format(max)}")
            : set(context.Current, humidity);
    }

    private static EntityState? ApplyMode(StateContext context)
    {
        var value = context.Render("mode_state_template");
        if (value is null)
        {
            return null;
        }

        if (value == context.Config.GetString("payload_reset_mode", StateContext.PayloadNone))
        {
            return context.Current with { Mode = null };
        }

        if (value.Length == 0)
        {
            return null;
        }

        var modes = context.Config.GetStringList("modes") ?? [];
        return modes.Contains(value) ? context.Current with { Mode = value } : context.Invalid(value, $"not one of the modes {string.Join(", ", modes)}");
    }

    private static EntityState? ApplyAction(StateContext context)
    {
        var value = context.Render("action_template");
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value == StateContext.PayloadNone)
        {
            return context.Current with { Action = null };
        }

        return Actions.Contains(value) ? context.Current with { Action = value } : context.Invalid(value, $"not one of {string.Join(", ", Actions)}");
    }
}
