using System.Text.Json;

namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of a <c>cover</c>: <c>state_topic</c> (<c>state_open</c>/<c>opening</c>/<c>closed</c>/<c>closing</c>/<c>stopped</c>),
/// <c>position_topic</c> (device position rescaled from <c>position_closed</c>..<c>position_open</c> to 0–100, or a JSON
/// object with <c>position</c> and optionally <c>tilt_position</c>) and <c>tilt_status_topic</c> (rescaled from
/// <c>tilt_min</c>..<c>tilt_max</c>).
/// </summary>
internal static class CoverStateReducer
{
    public static EntityState? Apply(StateContext context, string key) => key switch
    {
        "state_topic" => ApplyState(context),
        "position_topic" => ApplyPosition(context),
        "tilt_status_topic" => context.Render("tilt_status_template") is { Length: > 0 } tilt ? ApplyTilt(context, context.Current, tilt) : null,
        _ => null,
    };

    /// <summary>Home Assistant's <c>find_percentage_in_range</c>.</summary>
    public static int PercentageInRange(double position, double closed, double open)
    {
        var range = open - closed;
        if (range == 0)
        {
            return 0;
        }

        var percentage = (int)Math.Round((position - closed) / range * 100, MidpointRounding.ToEven);
        return Math.Clamp(percentage, 0, 100);
    }

    private static EntityState? ApplyState(StateContext context)
    {
        var value = context.Render("value_template");
        if (value is null || value.Length == 0)
        {
            return null;
        }

        var config = context.Config;
        var current = context.Current;
        if (value == config.GetString("state_stopped", "stopped"))
        {
            var closed = config.Has("position_topic")
                ? current.Position == 0
                : current.Value is "closed" or "closing";
            return current with { Value = closed ? "closed" : "open" };
        }

        if (value == config.GetString("state_opening", "opening"))
        {
            return current with { Value = "opening" };
        }

        if (value == config.GetString("state_closing", "closing"))
        {
            return current with { Value = "closing" };
        }

        if (value == config.GetString("state_open", "open"))
        {
            return current with { Value = "open" };
        }

        if (value == config.GetString("state_closed", "closed"))
        {
            return current with { Value = "closed" };
        }

        return value == StateContext.PayloadNone
            ? current with { Value = null }
            : context.Invalid(value, "not one of open, opening, closed, closing, stopped (or their configured payloads)");
    }

    private static EntityState? ApplyPosition(StateContext context)
    {
        var value = context.Render("position_template");
        if (value is null || value.Length == 0)
        {
            return null;
        }

        var state = context.Current;
        var positionText = value;
        if (value.TrimStart().StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(value);
                if (!document.RootElement.TryGetProperty("position", out var position))
                {
                    return context.Invalid(value, "a JSON position payload needs a 'position' key");
                }

                if (document.RootElement.TryGetProperty("tilt_position", out var tilt) && Discovery.ConfigView.AsText(tilt) is { } tiltText)
                {
                    state = ApplyTilt(context, state, tiltText) ?? state;
                }

                positionText = Discovery.ConfigView.AsText(position) ?? string.Empty;
            }
            catch (JsonException)
            {
                return context.Invalid(value, "not a number");
            }
        }

        if (StateContext.ParseDouble(positionText) is not { } device)
        {
            return context.Invalid(positionText, "not a number");
        }

        var config = context.Config;
        var percentage = PercentageInRange(device, config.GetDouble("position_closed", 0), config.GetDouble("position_open", 100));
        state = state with { Position = percentage };
        if (!config.Has("state_topic"))
        {
            state = state with { Value = percentage == 0 ? "closed" : "open" };
        }

        return state;
    }

    private static EntityState? ApplyTilt(StateContext context, EntityState state, string value)
    {
        if (StateContext.ParseDouble(value) is not { } parsed)
        {
            return context.Invalid(value, "not a number");
        }

        var tilt = Math.Round(parsed, MidpointRounding.ToEven);
        var min = context.Config.GetDouble("tilt_min", 0);
        var max = context.Config.GetDouble("tilt_max", 100);
        if (tilt < Math.Min(min, max) || tilt > Math.Max(min, max))
        {
            return context.Invalid(value, $"tilt outside {StateContext.Format(min)} – {StateContext.Format(max)}");
        }

        return state with { TiltPosition = PercentageInRange(tilt, min, max) };
    }
}
