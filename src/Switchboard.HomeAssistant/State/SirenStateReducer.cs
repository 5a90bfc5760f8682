using System.Text.Json;
using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of a <c>siren</c> (<c>siren.py</c>): <c>state_topic</c> through <c>state_value_template</c>, either
/// <c>state_on</c>/<c>state_off</c> (default <c>payload_on</c>/<c>payload_off</c>, <c>ON</c>/<c>OFF</c>) or a JSON object
/// with <c>state</c> and the attributes <c>tone</c>, <c>volume_level</c> (0–1) and <c>duration</c> (seconds).
/// </summary>
internal static class SirenStateReducer
{
    public static EntityState? Apply(StateContext context)
    {
        var value = context.Render("state_value_template");
        if (string.IsNullOrEmpty(value) || value == "{}")
        {
            return null;
        }

        var config = context.Config;
        var stateOn = config.GetString("state_on", config.GetString("payload_on", "ON"));
        var stateOff = config.GetString("state_off", config.GetString("payload_off", "OFF"));
        if (value == stateOn || value == stateOff || value == StateContext.PayloadNone)
        {
            return WithState(context.Current, value, stateOn, stateOff);
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return context.Invalid(value, "not a state or a JSON object");
            }

            var next = context.Current;
            if (root.TryGetProperty("state", out var state))
            {
                var text = ConfigView.AsText(state);
                if (text != stateOn && text != stateOff && text != StateContext.PayloadNone)
                {
                    return context.Invalid(value, $"'state' must be '{stateOn}' or '{stateOff}'");
                }

                next = WithState(next, text, stateOn, stateOff);
            }

            if (root.TryGetProperty("tone", out var tone))
            {
                var toneText = ConfigView.AsText(tone);
                if (toneText is null || config.GetStringList("available_tones") is { } tones && !tones.Contains(toneText))
                {
                    return context.Invalid(value, "'tone' is not one of available_tones");
                }

                next = next with { Tone = toneText };
            }

            if (root.TryGetProperty("volume_level", out var volume))
            {
                if (ConfigView.AsText(volume) is not { } volumeText || StateContext.ParseDouble(volumeText) is not { } level || level < 0 || level > 1)
                {
                    return context.Invalid(value, "'volume_level' must be a number from 0 to 1");
                }

                next = next with { VolumeLevel = level };
            }

            if (root.TryGetProperty("duration", out var duration))
            {
                if (ConfigView.AsText(duration) is not { } durationText || StateContext.ParseDouble(durationText) is not { } seconds || seconds < 0)
                {
                    return context.Invalid(value, "'duration' must be a whole number of seconds");
                }

                next = next with { Duration = (int)seconds };
            }

            return next;
        }
        catch (JsonException)
        {
            return context.Invalid(value, "not a state or a JSON object");
        }
    }

    private static EntityState WithState(EntityState state, string? value, string stateOn, string stateOff) =>
        value == stateOn ? state with { IsOn = true, Value = "on" }
        : value == stateOff ? state with { IsOn = false, Value = "off" }
        : state with { IsOn = null, Value = null };
}
