using System.Text.Json;
using Switchboard.HomeAssistant;

namespace Switchboard.Dashboard.Home;

/// <summary>
/// Which controls an entity offers, from its typed options (<see cref="HomeAssistantEntity.Options"/>, which carry Home
/// Assistant's per-platform defaults): a cover without <c>set_position_topic</c> has no position slider, a climate's
/// modes and temperature range are HA's defaults unless configured, a number's range is 1–100.
/// </summary>
internal static class ControlCatalog
{
    public static ControlSpec For(HomeAssistantEntity entity)
    {
        var options = entity.Options;
        var topics = options.Topics;
        var commands = options.CommandTopic is not null;
        return entity.Component switch
        {
            HomeAssistantComponents.Light when commands => Light(entity, options),
            HomeAssistantComponents.Switch when commands => new ControlSpec(["toggle"]),
            HomeAssistantComponents.Fan when commands => Fan(options, topics),
            HomeAssistantComponents.Cover => Cover(commands, topics),
            HomeAssistantComponents.Climate => Climate(options, topics),
            HomeAssistantComponents.Lock when commands => new ControlSpec(["lock", "unlock"]),
            HomeAssistantComponents.Button when commands => new ControlSpec(["press"]),
            HomeAssistantComponents.Select when commands => new ControlSpec(["select"], Options: options.Options ?? []),
            HomeAssistantComponents.Number when commands => new ControlSpec(["set_value"], options.Min, options.Max, options.Step),
            _ => ControlSpec.None,
        };
    }

    private static ControlSpec Light(HomeAssistantEntity entity, EntityOptions options)
    {
        var modes = options.SupportedColorModes ?? [];
        var topics = options.Topics;
        var brightness = entity.Schema switch
        {
            // The json schema says brightness = true; the template schema has a brightness_template; the default
            // schema a brightness command topic. A colour mode beyond on/off always has brightness.
            "json" => Flag(entity.Config, "brightness") || modes.Any(m => m is not "onoff"),
            "template" => entity.Config.TryGetProperty("brightness_template", out _),
            _ => topics.ContainsKey("brightness_command_topic") || modes.Any(m => m is not "onoff"),
        };
        var colorTemp = modes.Contains("color_temp") || Flag(entity.Config, "color_temp") || topics.ContainsKey("color_temp_command_topic")
            || entity.Config.TryGetProperty("color_temp_template", out _);
        List<string> actions = ["toggle"];
        if (brightness)
        {
            actions.Add("brightness");
        }

        if (!colorTemp)
        {
            return new ControlSpec(actions);
        }

        actions.Add("color_temp");

        // HA: min_kelvin/max_kelvin, or the older mireds converted (the warmest white is the most mireds).
        var minKelvin = options.MaxMireds is > 0 and var maxMireds ? 1_000_000 / maxMireds : options.MinKelvin ?? 2000;
        var maxKelvin = options.MinMireds is > 0 and var minMireds ? 1_000_000 / minMireds : options.MaxKelvin ?? 6535;
        return new ControlSpec(actions, KelvinMin: (int)Math.Round(minKelvin), KelvinMax: (int)Math.Round(maxKelvin));
    }

    private static ControlSpec Fan(EntityOptions options, IReadOnlyDictionary<string, string> topics)
    {
        List<string> actions = ["toggle"];
        if (topics.ContainsKey("percentage_command_topic"))
        {
            actions.Add("percentage");
        }

        if (options.PresetModes is { Count: > 0 } && topics.ContainsKey("preset_mode_command_topic"))
        {
            actions.Add("preset");
        }

        return new ControlSpec(actions, Presets: options.PresetModes);
    }

    private static ControlSpec Cover(bool commands, IReadOnlyDictionary<string, string> topics)
    {
        List<string> actions = commands ? ["open", "close", "stop"] : [];
        if (topics.ContainsKey("set_position_topic"))
        {
            actions.Add("position");
        }

        return new ControlSpec(actions, 0, 100, 1);
    }

    private static ControlSpec Climate(EntityOptions options, IReadOnlyDictionary<string, string> topics)
    {
        List<string> actions = [];
        if (topics.ContainsKey("mode_command_topic"))
        {
            actions.Add("hvac_mode");
        }

        if (topics.ContainsKey("temperature_command_topic"))
        {
            actions.Add("temperature");
        }

        if (options.PresetModes is { Count: > 0 } && topics.ContainsKey("preset_mode_command_topic"))
        {
            actions.Add("preset");
        }

        return new ControlSpec(actions, options.MinTemp, options.MaxTemp, options.TempStep, options.Modes, options.PresetModes);
    }

    private static bool Flag(JsonElement config, string key) => config.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.True;
}
