using System.Text.Json;
using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of a <c>valve</c> (<c>valve.py</c>): <c>state_topic</c> through <c>value_template</c>, a plain payload or a JSON
/// object with <c>state</c> and (with <c>reports_position</c>) <c>position</c>. Without <c>reports_position</c> the payload
/// is matched against <c>state_open</c>/<c>state_opening</c>/<c>state_closed</c>/<c>state_closing</c>; with it, the
/// position is rescaled from <c>position_closed</c>..<c>position_open</c> to 0–100 and <c>opening</c>/<c>closing</c>
/// are the only state payloads. <see cref="EntityState.Value"/> is Home Assistant's valve state.
/// </summary>
internal static class ValveStateReducer
{
    private const string Reset = "reset";

    public static EntityState? Apply(StateContext context)
    {
        var payload = context.Render("value_template");
        if (string.IsNullOrEmpty(payload))
        {
            return null;
        }

        var config = context.Config;
        var reportsPosition = config.GetBool("reports_position", false);
        string? positionPayload = payload;
        string? statePayload = payload;
        if (payload.TrimStart().StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(payload);
                var root = document.RootElement;
                if (reportsPosition && !root.TryGetProperty("position", out _))
                {
                    return context.Invalid(payload, "a valve that reports its position needs 'position' in a JSON payload");
                }

                if (!reportsPosition && !root.TryGetProperty("state", out _))
                {
                    return context.Invalid(payload, "a valve needs 'state' in a JSON payload");
                }

                positionPayload = root.TryGetProperty("position", out var p) ? ConfigView.AsText(p) : null;
                statePayload = root.TryGetProperty("state", out var s) ? ConfigView.AsText(s) : null;
            }
            catch (JsonException)
            {
                // Not JSON after all: the text itself is the payload, as Home Assistant's suppress(JSON errors) leaves it.
            }
        }

        return reportsPosition ? ApplyPosition(context, positionPayload, statePayload) : ApplyBinary(context, statePayload);
    }

    private static EntityState? ApplyBinary(StateContext context, string? value)
    {
        var config = context.Config;
        string? state;
        if (value == config.GetString("state_opening", "opening"))
        {
            state = "opening";
        }
        else if (value == config.GetString("state_closing", "closing"))
        {
            state = "closing";
        }
        else if (value == config.GetString("state_open", "open"))
        {
            state = "open";
        }
        else if (value == config.GetString("state_closed", "closed"))
        {
            state = "closed";
        }
        else if (value == StateContext.PayloadNone)
        {
            state = null;
        }
        else
        {
            return context.Invalid(value ?? string.Empty, "not one of open, closed, opening, closing (or their configured payloads)");
        }

        return context.Current with { Value = state };
    }

    private static EntityState? ApplyPosition(StateContext context, string? positionPayload, string? statePayload)
    {
        var config = context.Config;
        var current = context.Current;
        string? motion = null;
        if (statePayload == config.GetString("state_opening", "opening"))
        {
            motion = "opening";
        }
        else if (statePayload == config.GetString("state_closing", "closing"))
        {
            motion = "closing";
        }
        else if (statePayload == StateContext.PayloadNone)
        {
            return Compose(current with { Position = null }, Motion(current));
        }

        var position = current.Position;
        var positionSet = false;
        if (motion is null || positionPayload != statePayload)
        {
            if (positionPayload is not null && StateContext.ParseDouble(positionPayload) is { } device)
            {
                position = PercentageOfRange(device, config.GetDouble("position_closed", 0), config.GetDouble("position_open", 100));
                if (motion is null && position is 0 or 100)
                {
                    // Fully open or closed ends a movement.
                    motion = Reset;
                }

                positionSet = true;
            }
        }

        if (!string.IsNullOrEmpty(statePayload) && motion is null && !positionSet)
        {
            return context.Invalid(statePayload, "not a position, opening or closing");
        }

        var next = current with { Position = position };
        return Compose(next, motion == Reset ? null : motion ?? Motion(current));
    }

    /// <summary>Home Assistant's <c>ranged_value_to_percentage</c> on (position_closed + 1, position_open), clamped.</summary>
    public static int PercentageOfRange(double device, double closed, double open)
    {
        var span = open - closed;
        if (span == 0)
        {
            return 0;
        }

        return (int)Math.Clamp(Math.Floor((device - closed) * 100 / span), 0, 100);
    }

    private static string? Motion(EntityState state) => state.Value is "opening" or "closing" ? state.Value : null;

    private static EntityState Compose(EntityState state, string? motion) => state with
    {
        Value = motion ?? (state.Position is not { } p ? null : p == 0 ? "closed" : "open"),
    };
}
