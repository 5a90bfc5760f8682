using Switchboard.HomeAssistant.Control;
using Switchboard.HomeAssistant.State;
using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant;

/// <summary>
/// Controls a <c>light</c> as Home Assistant does, per schema. <b>basic</b>: one topic per attribute —
/// <c>command_topic</c> with <c>payload_on</c>/<c>payload_off</c> first or last per <c>on_command_type</c> (or no on
/// command at all with <c>brightness</c>), <c>brightness_command_topic</c> scaled by <c>brightness_scale</c>,
/// <c>rgb/hs/xy_command_topic</c> as <c>r,g,b</c> / <c>h,s</c> / <c>x,y</c>, <c>color_temp_command_topic</c> in mireds
/// or kelvin, each through its command template. <b>json</b>: one JSON object on <c>command_topic</c>
/// (<c>{"state":"ON","color":{…},"transition":…,"brightness":…,"color_temp":…,"effect":…}</c>).
/// <b>template</b>: <c>command_on_template</c>/<c>command_off_template</c> rendered with the action's variables.
/// </summary>
public sealed class LightControl : EntityControl
{
    private static readonly string[] BrightnessModes = ["brightness", "color_temp", "hs", "xy", "rgb", "rgbw", "rgbww", "white"];

    internal LightControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Light)
    {
    }

    /// <summary>Turns the light on, optionally setting attributes (<c>light.turn_on</c>).</summary>
    public Task TurnOnAsync(LightCommand? command = null, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildTurnOn(command ?? new LightCommand()), cancellationToken);

    /// <summary>Turns the light off (<c>light.turn_off</c>).</summary>
    public Task TurnOffAsync(double? transition = null, LightFlash? flash = null, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildTurnOff(transition, flash), cancellationToken);

    /// <summary>The messages <see cref="TurnOnAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOn(LightCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Validate();
        return Entity.Schema switch
        {
            "json" => [Message("command_topic", JsonOn(command))],
            "template" => [Message("command_topic", TemplateOn(command))],
            _ => BasicOn(command),
        };
    }

    /// <summary>The messages <see cref="TurnOffAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOff(double? transition = null, LightFlash? flash = null)
    {
        switch (Entity.Schema)
        {
            case "json":
                var message = new List<KeyValuePair<string, object?>> { new("state", "OFF") };
                AddFlashAndTransition(message, transition, flash);
                return [Message("command_topic", TemplateValues.ToJson(message))];
            case "template":
                var variables = new Dictionary<string, object?> { ["state"] = "off" };
                AddTemplateFlashAndTransition(variables, transition, flash);
                return [Message("command_topic", Render("command_off_template", null, variables))];
            default:
                return [Message("command_topic", Config.GetString("payload_off", "OFF"))];
        }
    }

    private List<CommandMessage> BasicOn(LightCommand command)
    {
        var messages = new List<CommandMessage>();
        var onCommandType = Config.GetString("on_command_type", "last");
        var payloadOn = Config.GetString("payload_on", "ON");
        var brightness = command.Brightness;
        var current = Entity.State;
        if (onCommandType == "first")
        {
            messages.Add(Message("command_topic", payloadOn));
        }
        else if (onCommandType == "brightness" && brightness is null && command.White is null)
        {
            brightness = current.Brightness ?? 255;
        }

        var hasBrightnessTopic = HasTopic("brightness_command_topic");
        if (command.Hs is { } hs)
        {
            RequireTopic("hs_command_topic");
            var text = $"{PythonText.FormatFloat(hs.Hue)},{PythonText.FormatFloat(hs.Saturation)}";
            messages.Add(Message("hs_command_topic", Render("hs_command_template", text, new Dictionary<string, object?> { ["hue"] = hs.Hue, ["sat"] = hs.Saturation })));
        }

        if (command.Rgb is { } rgb)
        {
            RequireTopic("rgb_command_topic");
            var scale = hasBrightnessTopic ? 255 : command.Brightness ?? current.Brightness ?? 255;
            messages.Add(Message("rgb_command_topic", RenderRgb(Scale(rgb, scale))));
        }

        if (command.Xy is { } xy)
        {
            RequireTopic("xy_command_topic");
            var text = $"{PythonText.FormatFloat(xy.X)},{PythonText.FormatFloat(xy.Y)}";
            messages.Add(Message("xy_command_topic", Render("xy_command_template", text, new Dictionary<string, object?> { ["x"] = xy.X, ["y"] = xy.Y })));
        }

        if (brightness is { } level)
        {
            if (hasBrightnessTopic)
            {
                var scale = Config.GetInt("brightness_scale", 255);
                var device = Math.Max(Math.Min(PyRound(level / 255.0 * scale), scale), 1);
                messages.Add(Message("brightness_command_topic", Render("brightness_command_template", (long)device)));
            }
            else if (command.Rgb is null && HasTopic("rgb_command_topic"))
            {
                messages.Add(Message("rgb_command_topic", RenderRgb(Scale(current.Rgb ?? new RgbColor(255, 255, 255), level))));
            }
            else if (command.Brightness is not null && !HasTopic("rgb_command_topic"))
            {
                throw new NotSupportedException($"light '{Entity.Id}' has no brightness_command_topic (or rgb_command_topic) to set brightness with.");
            }
        }

        if (command.Kelvin is { } kelvin)
        {
            RequireTopic("color_temp_command_topic");
            var value = Config.GetBool("color_temp_kelvin", false) ? kelvin : LightStateReducer.Invert(kelvin);
            messages.Add(Message("color_temp_command_topic", Render("color_temp_command_template", (long)value)));
        }

        if (command.Effect is { } effect)
        {
            RequireTopic("effect_command_topic");
            RequireIn(effect, "effect_list", [], "effect");
            messages.Add(Message("effect_command_topic", Render("effect_command_template", effect)));
        }

        if (command.White is { } white)
        {
            RequireTopic("white_command_topic");
            var scale = Config.GetInt("white_scale", 255);
            messages.Add(Message("white_command_topic", Math.Min(PyRound(white / 255.0 * scale), scale).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (command.Transition is not null || command.Flash is not null)
        {
            throw new NotSupportedException($"light '{Entity.Id}' uses the basic schema, which has no transition or flash.");
        }

        if (onCommandType == "last")
        {
            messages.Add(Message("command_topic", payloadOn));
        }

        return messages;
    }

    private string RenderRgb(RgbColor rgb) =>
        Render("rgb_command_template", $"{rgb.R},{rgb.G},{rgb.B}", new Dictionary<string, object?> { ["red"] = (long)rgb.R, ["green"] = (long)rgb.G, ["blue"] = (long)rgb.B });

    private string JsonOn(LightCommand command)
    {
        var modes = Config.GetStringList("supported_color_modes") ?? [];
        var brightnessSupported = Config.GetBool("brightness", false) || modes.Any(m => BrightnessModes.Contains(m));
        var brightness = command.Brightness;
        var message = new List<KeyValuePair<string, object?>> { new("state", "ON") };
        if (command.Hs is { } hs)
        {
            RequireMode(modes, "hs");
            message.Add(new("color", Map(("h", hs.Hue), ("s", hs.Saturation))));
        }

        if (command.Rgb is { } rgb)
        {
            RequireMode(modes, "rgb");
            var scaled = Scale(rgb, brightnessSupported ? 255 : brightness ?? 255, truncate: false);
            if (!brightnessSupported)
            {
                brightness = null;
            }

            message.Add(new("color", Map(("r", (long)scaled.R), ("g", (long)scaled.G), ("b", (long)scaled.B))));
        }

        if (command.Xy is { } xy)
        {
            RequireMode(modes, "xy");
            message.Add(new("color", Map(("x", xy.X), ("y", xy.Y))));
        }

        AddFlashAndTransition(message, command.Transition, command.Flash);
        if (brightness is { } level)
        {
            if (!brightnessSupported)
            {
                throw new NotSupportedException($"light '{Entity.Id}' does not support brightness.");
            }

            var scale = Config.GetDouble("brightness_scale", 255);
            message.Add(new("brightness", (long)Math.Max(PyRound(level * scale / 255), 1)));
        }

        if (command.Kelvin is { } kelvin)
        {
            RequireMode(modes, "color_temp");
            message.Add(new("color_temp", (long)(Config.GetBool("color_temp_kelvin", false) ? kelvin : LightStateReducer.Invert(kelvin))));
        }

        if (command.Effect is { } effect)
        {
            message.Add(new("effect", effect));
        }

        if (command.White is { } white)
        {
            RequireMode(modes, "white");
            var scale = Config.GetInt("white_scale", 255);
            message.Add(new("white", (long)Math.Max(Math.Min(PyRound(white / 255.0 * scale), scale), 1)));
        }

        return TemplateValues.ToJson(message);
    }

    private string TemplateOn(LightCommand command)
    {
        var variables = new Dictionary<string, object?> { ["state"] = "on" };
        var current = Entity.State;
        if (command.Brightness is { } brightness)
        {
            variables["brightness"] = (long)brightness;
        }

        if (command.Kelvin is { } kelvin)
        {
            variables["color_temp"] = (long)(Config.GetBool("color_temp_kelvin", false) ? kelvin : LightStateReducer.Invert(kelvin));
        }

        HsColor? hs = command.Hs ?? (command.Rgb is { } rgbIn ? ColorConversions.RgbToHs(rgbIn) : null);
        if (hs is { } color)
        {
            var level = command.Brightness ?? current.Brightness ?? 255;
            var rgb = command.Rgb ?? ColorConversions.HsvToRgb(color.Hue, color.Saturation, level / 255.0 * 100);
            variables["red"] = (long)rgb.R;
            variables["green"] = (long)rgb.G;
            variables["blue"] = (long)rgb.B;
            variables["hue"] = color.Hue;
            variables["sat"] = color.Saturation;
        }

        if (command.Xy is not null || command.White is not null)
        {
            throw new NotSupportedException($"light '{Entity.Id}' uses the template schema, which takes brightness, color temperature, RGB/HS, effect, transition and flash.");
        }

        if (command.Effect is { } effect)
        {
            RequireIn(effect, "effect_list", [], "effect");
            variables["effect"] = effect;
        }

        AddTemplateFlashAndTransition(variables, command.Transition, command.Flash);
        return Render("command_on_template", null, variables);
    }

    private void AddFlashAndTransition(List<KeyValuePair<string, object?>> message, double? transition, LightFlash? flash)
    {
        if (transition is { } seconds)
        {
            message.Add(new("transition", seconds));
        }

        if (flash is { } kind)
        {
            message.Add(new("flash", (long)(kind == LightFlash.Long ? Config.GetInt("flash_time_long", 10) : Config.GetInt("flash_time_short", 2))));
        }
    }

    private static void AddTemplateFlashAndTransition(Dictionary<string, object?> variables, double? transition, LightFlash? flash)
    {
        if (transition is { } seconds)
        {
            variables["transition"] = seconds;
        }

        if (flash is { } kind)
        {
            variables["flash"] = kind == LightFlash.Long ? "long" : "short";
        }
    }

    private void RequireMode(IReadOnlyList<string> modes, string mode)
    {
        if (!modes.Contains(mode))
        {
            throw new NotSupportedException($"light '{Entity.Id}' does not support color mode '{mode}' (supported_color_modes: {(modes.Count == 0 ? "none" : string.Join(", ", modes))}).");
        }
    }

    private static RgbColor Scale(RgbColor rgb, int brightness, bool truncate = true)
    {
        int Channel(int c) => truncate ? (int)(c * brightness / 255.0) : PyRound(c / 255.0 * brightness);
        return new RgbColor(Channel(rgb.R), Channel(rgb.G), Channel(rgb.B));
    }

    private static List<KeyValuePair<string, object?>> Map(params (string Key, object? Value)[] entries) =>
        [.. entries.Select(e => new KeyValuePair<string, object?>(e.Key, e.Value))];
}
