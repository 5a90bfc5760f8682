namespace Switchboard.HomeAssistant.State;

/// <summary>State of a <c>sensor</c> (value + unit), a <c>number</c> (numeric, within min/max), a <c>select</c> (one of
/// <c>options</c>), and of any other component with a <c>state_topic</c> (the rendered value as is).</summary>
internal static class ValueStateReducer
{
    public static EntityState? Apply(StateContext context)
    {
        var value = context.Render("value_template");
        if (value is null)
        {
            return null;
        }

        var config = context.Config;
        switch (context.Definition.Component)
        {
            case HomeAssistantComponents.Sensor:
                var unit = config.GetString("unit_of_measurement");
                if (value == StateContext.PayloadNone)
                {
                    return context.Current with { Value = null, NumericValue = null, Unit = unit };
                }

                var numeric = StateContext.ParseDouble(value);
                if (numeric is null && value.Length == 0 && (unit is not null || config.Has("state_class")))
                {
                    // An empty value cannot be a measurement; Home Assistant ignores it for numeric sensors.
                    return null;
                }

                return context.Current with { Value = value, NumericValue = numeric, Unit = unit };

            case HomeAssistantComponents.Number:
                var reset = config.GetString("payload_reset", StateContext.PayloadNone);
                if (value == reset)
                {
                    return context.Current with { Value = null, NumericValue = null };
                }

                if (StateContext.ParseDouble(value) is not { } number)
                {
                    return value.Length == 0 ? null : context.Invalid(value, "not a number");
                }

                var min = config.GetDouble("min", 1);
                var max = config.GetDouble("max", 100);
                if (number < min || number > max)
                {
                    return context.Invalid(value, $"outside the range {StateContext.Format(min)} – {StateContext.Format(max)}");
                }

                return context.Current with { Value = value.Trim(), NumericValue = number, Unit = config.GetString("unit_of_measurement") };

            case HomeAssistantComponents.Select:
                if (value == StateContext.PayloadNone)
                {
                    return context.Current with { Value = null, Option = null };
                }

                var options = config.GetStringList("options") ?? [];
                if (!options.Contains(value))
                {
                    return value.Length == 0 ? null : context.Invalid(value, $"not one of the options {string.Join(", ", options)}");
                }

                return context.Current with { Value = value, Option = value };

            case HomeAssistantComponents.Text:
                if (value == StateContext.PayloadNone)
                {
                    return context.Current with { Value = null };
                }

                var minLength = config.GetInt("min", 0);
                var maxLength = config.GetInt("max", 255);
                if (value.Length < minLength || value.Length > maxLength)
                {
                    return context.Invalid(value, $"its length is outside {minLength} – {maxLength}");
                }

                return context.Current with { Value = value };

            case HomeAssistantComponents.Date or HomeAssistantComponents.Time or HomeAssistantComponents.DateTime:
                return DateTimeStateReducer.Apply(context, value);

            default:
                return context.Current with { Value = value == StateContext.PayloadNone ? null : value };
        }
    }
}
