using System.Text.Json;
using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of a <c>vacuum</c> (<c>vacuum.py</c>, the state schema, the only one Home Assistant still has): a JSON object on
/// <c>state_topic</c> with <c>state</c> (<c>cleaning</c>, <c>docked</c>, <c>paused</c>, <c>idle</c>, <c>returning</c>,
/// <c>error</c>), <c>battery_level</c> and <c>fan_speed</c>; keys left out keep their value.
/// </summary>
internal static class VacuumStateReducer
{
    public static readonly string[] States = ["cleaning", "docked", "paused", "idle", "returning", "error"];

    public static EntityState? Apply(StateContext context)
    {
        var value = context.Render("value_template");
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return context.Invalid(value, "a vacuum state must be a JSON object");
            }

            var next = context.Current;
            if (root.TryGetProperty("state", out var state))
            {
                var text = ConfigView.AsText(state);
                if (text is null || !States.Contains(text))
                {
                    return context.Invalid(value, $"'state' must be one of {string.Join(", ", States)}");
                }

                next = next with { Value = text };
            }

            if (root.TryGetProperty("battery_level", out var battery))
            {
                next = next with { BatteryLevel = battery.ValueKind == JsonValueKind.Number ? (int)Math.Round(battery.GetDouble(), MidpointRounding.ToEven) : null };
            }

            if (root.TryGetProperty("fan_speed", out var fanSpeed))
            {
                next = next with { FanSpeed = ConfigView.AsText(fanSpeed) };
            }

            return next;
        }
        catch (JsonException)
        {
            return context.Invalid(value, "a vacuum state must be a JSON object");
        }
    }
}
