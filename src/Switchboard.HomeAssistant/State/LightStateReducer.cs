using System.Globalization;
using System.Text.Json;
using Switchboard.HomeAssistant.Discovery;
using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of a <c>light</c> in each schema. <b>basic</b>: one topic and template per attribute, brightness rescaled by
/// <c>brightness_scale</c>, colors as comma-separated text. <b>json</b>: one JSON object (<c>state</c>, <c>brightness</c>,
/// <c>color_mode</c>, <c>color</c>, <c>color_temp</c>, <c>effect</c>). <b>template</b>: one payload read by
/// <c>state_template</c>, <c>brightness_template</c>, <c>color_temp_template</c>, <c>red/green/blue_template</c>,
/// <c>effect_template</c>.
/// </summary>
internal static class LightStateReducer
{
    public static EntityState? Apply(StateContext context, string key) => context.Definition.Schema switch
    {
        "json" => ApplyJson(context),
        "template" => ApplyTemplate(context),
        _ => ApplyBasic(context, key),
    };

    /// <summary>The color mode a json-schema light has before any state arrives: with exactly one
    /// <c>supported_color_modes</c> it is that one, as <c>light/schema_json.py</c> sets it; otherwise unknown.</summary>
    public static string? FixedColorMode(EntityDefinition definition) =>
        definition.Component == HomeAssistantComponents.Light && definition.Schema == "json"
            && definition.Config.GetStringList("supported_color_modes") is [var only]
            ? only
            : null;

    /// <summary>Mireds to kelvin (and back): Home Assistant's <c>floor(1000000 / x)</c>.</summary>
    public static int Invert(int value) => value <= 0 ? 0 : (int)Math.Floor(1_000_000.0 / value);

    private static EntityState? ApplyBasic(StateContext context, string key)
    {
        var config = context.Config;
        var current = context.Current;
        var tracksColorMode = config.Has("color_mode_state_topic");
        string? value;
        switch (key)
        {
            case "state_topic":
                value = context.Render("state_value_template");
                if (value is null || value.Length == 0)
                {
                    return null;
                }

                if (value == config.GetString("payload_on", "ON"))
                {
                    return current with { IsOn = true, Value = "on" };
                }

                if (value == config.GetString("payload_off", "OFF"))
                {
                    return current with { IsOn = false, Value = "off" };
                }

                return value == StateContext.PayloadNone ? current with { IsOn = null, Value = null } : context.Invalid(value, "not payload_on or payload_off");

            case "brightness_state_topic":
                value = context.Render("brightness_value_template");
                if (value is null || value.Length == 0)
                {
                    return null;
                }

                if (StateContext.ParseDouble(value) is not { } device)
                {
                    return context.Invalid(value, "brightness is not a number");
                }

                return device == 0 ? null : current with { Brightness = ScaleBrightness(device, config.GetDouble("brightness_scale", 255)) };

            case "color_mode_state_topic":
                value = context.Render("color_mode_value_template");
                return value is { Length: > 0 } ? current with { ColorMode = value } : null;

            case "color_temp_state_topic":
                value = context.Render("color_temp_value_template");
                if (value is null || value.Length == 0)
                {
                    return null;
                }

                return StateContext.ParseInt(value) is { } temperature
                    ? WithColorTemp(current, temperature, config.GetBool("color_temp_kelvin", false), tracksColorMode)
                    : context.Invalid(value, "color temperature is not a number");

            case "effect_state_topic":
                value = context.Render("effect_value_template");
                return value is { Length: > 0 } ? current with { Effect = value } : null;

            case "hs_state_topic":
                value = context.Render("hs_value_template");
                if (value is null || value.Length == 0)
                {
                    return null;
                }

                return ParseNumbers(value, 2) is { } hs
                    ? current with { Hs = new HsColor(hs[0], hs[1]), ColorMode = tracksColorMode ? current.ColorMode : "hs" }
                    : context.Invalid(value, "expected 'hue,saturation'");

            case "xy_state_topic":
                value = context.Render("xy_value_template");
                if (value is null || value.Length == 0)
                {
                    return null;
                }

                return ParseNumbers(value, 2) is { } xy
                    ? current with { Xy = new XyColor(xy[0], xy[1]), ColorMode = tracksColorMode ? current.ColorMode : "xy" }
                    : context.Invalid(value, "expected 'x,y'");

            case "rgb_state_topic" or "rgbw_state_topic" or "rgbww_state_topic":
                var mode = key[..key.IndexOf('_', StringComparison.Ordinal)];
                var count = mode.Length;
                value = context.Render($"{mode}_value_template");
                if (value is null || value.Length == 0)
                {
                    return null;
                }

                return ParseNumbers(value, count) is { } channels
                    ? current with { Rgb = new RgbColor((int)channels[0], (int)channels[1], (int)channels[2]), ColorMode = tracksColorMode ? current.ColorMode : mode }
                    : context.Invalid(value, $"expected {count} comma-separated channels");

            default:
                return null;
        }
    }

    private static EntityState? ApplyJson(StateContext context)
    {
        // Parsed once per message for every entity reading it (the light and its sensors share Zigbee2MQTT's state).
        if (!TemplateValues.TryParseJson(context.Payload, out var parsed) || parsed is not JsonElement { ValueKind: JsonValueKind.Object } root)
        {
            return context.Invalid(context.Payload, "a json-schema light needs a JSON object");
        }

        var config = context.Config;
        var state = context.Current;
        if (root.TryGetProperty("state", out var onOff))
        {
            state = onOff.ValueKind switch
            {
                JsonValueKind.String when onOff.GetString() == "ON" => state with { IsOn = true, Value = "on" },
                JsonValueKind.String when onOff.GetString() == "OFF" => state with { IsOn = false, Value = "off" },
                JsonValueKind.Null => state with { IsOn = null, Value = null },
                _ => state,
            };
        }

        if (root.TryGetProperty("color_mode", out var colorMode) && colorMode.ValueKind == JsonValueKind.String)
        {
            // Home Assistant ignores a color mode the light did not declare (and warns).
            var mode = colorMode.GetString();
            if (config.GetStringList("supported_color_modes") is not { } supported || supported.Contains(mode!))
            {
                state = state with { ColorMode = mode };
            }
            else
            {
                context.Invalid(mode!, "color_mode is not one of supported_color_modes; ignored");
            }
        }

        if (root.TryGetProperty("brightness", out var brightness) && brightness.ValueKind == JsonValueKind.Number && brightness.GetDouble() is var level && level > 0)
        {
            state = state with { Brightness = ScaleBrightness(level, config.GetDouble("brightness_scale", 255)) };
        }

        if (root.TryGetProperty("color_temp", out var colorTemp) && colorTemp.ValueKind == JsonValueKind.Number)
        {
            state = WithColorTemp(state, (int)Math.Round(colorTemp.GetDouble()), config.GetBool("color_temp_kelvin", false), tracksColorMode: true);
        }

        if (root.TryGetProperty("color", out var color) && color.ValueKind == JsonValueKind.Object)
        {
            if (Number(color, "x") is { } x && Number(color, "y") is { } y)
            {
                state = state with { Xy = new XyColor(x, y) };
            }

            if (Number(color, "h") is { } h && Number(color, "s") is { } s)
            {
                state = state with { Hs = new HsColor(h, s) };
            }

            if (Number(color, "r") is { } r && Number(color, "g") is { } g && Number(color, "b") is { } b)
            {
                state = state with { Rgb = new RgbColor((int)r, (int)g, (int)b) };
            }
        }

        if (root.TryGetProperty("effect", out var effect) && effect.ValueKind == JsonValueKind.String)
        {
            state = state with { Effect = effect.GetString() };
        }

        return state;
    }

    private static EntityState? ApplyTemplate(StateContext context)
    {
        var state = context.Current;
        var changed = false;
        if (context.Definition.GetTemplate("state_template") is not null && context.Render("state_template") is { Length: > 0 } onOff)
        {
            switch (onOff)
            {
                case "on":
                    state = state with { IsOn = true, Value = "on" };
                    break;
                case "off":
                    state = state with { IsOn = false, Value = "off" };
                    break;
                case StateContext.PayloadNone:
                    state = state with { IsOn = null, Value = null };
                    break;
                default:
                    context.Invalid(onOff, "state_template must render 'on' or 'off'");
                    break;
            }

            changed = true;
        }

        if (context.Definition.GetTemplate("brightness_template") is not null && context.Render("brightness_template") is { Length: > 0 } brightness)
        {
            if (StateContext.ParseInt(brightness) is { } b and >= 0 and <= 255)
            {
                state = state with { Brightness = b };
                changed = true;
            }
            else
            {
                context.Invalid(brightness, "brightness_template must render 0–255");
            }
        }

        if (context.Definition.GetTemplate("color_temp_template") is not null && context.Render("color_temp_template") is { Length: > 0 } temperature)
        {
            if (StateContext.ParseInt(temperature) is { } t)
            {
                state = WithColorTemp(state, t, context.Config.GetBool("color_temp_kelvin", false), tracksColorMode: false);
                changed = true;
            }
        }

        // All three or none: a missing green_template must not read the raw payload as the green channel.
        if (context.Definition.GetTemplate("red_template") is not null && context.Definition.GetTemplate("green_template") is not null && context.Definition.GetTemplate("blue_template") is not null
            && context.Render("red_template") is { Length: > 0 } red && context.Render("green_template") is { Length: > 0 } green && context.Render("blue_template") is { Length: > 0 } blue
            && StateContext.ParseInt(red) is { } r && StateContext.ParseInt(green) is { } g && StateContext.ParseInt(blue) is { } bl)
        {
            state = state with { Rgb = new RgbColor(r, g, bl), ColorMode = "hs" };
            changed = true;
        }

        if (context.Definition.GetTemplate("effect_template") is not null && context.Render("effect_template") is { Length: > 0 } effect)
        {
            state = state with { Effect = effect };
            changed = true;
        }

        return changed ? state : null;
    }

    private static int ScaleBrightness(double device, double scale) =>
        (int)Math.Clamp(Math.Round(device / scale * 255, MidpointRounding.ToEven), 1, 255);

    private static EntityState WithColorTemp(EntityState state, int value, bool kelvin, bool tracksColorMode) => state with
    {
        ColorTempKelvin = kelvin ? value : Invert(value),
        ColorTempMireds = kelvin ? Invert(value) : value,
        ColorMode = tracksColorMode ? state.ColorMode : "color_temp",
    };

    private static double[]? ParseNumbers(string text, int count)
    {
        var parts = text.Split(',');
        if (parts.Length != count)
        {
            return null;
        }

        var numbers = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return numbers;
    }

    private static double? Number(JsonElement obj, string key) =>
        obj.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
