using Switchboard.HomeAssistant;
using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.Dashboard.Home;

/// <summary>
/// Which controls an entity offers, read from its discovery config the way Home Assistant's MQTT platforms read it
/// (defaults from <c>components/mqtt/&lt;platform&gt;.py</c>): a cover without <c>set_position_topic</c> has no position
/// slider, a climate's modes default to HA's list, a number's range to 1–100.
/// </summary>
internal static class ControlCatalog
{
    private static readonly string[] DefaultHvacModes = ["auto", "off", "cool", "heat", "dry", "fan_only"];

    public static ControlSpec For(HomeAssistantEntity entity)
    {
        var config = new ConfigView(entity.Config);
        var commands = config.Has("command_topic");
        return entity.Component switch
        {
            HomeAssistantComponents.Light when commands => Light(config),
            HomeAssistantComponents.Switch when commands => new ControlSpec(["toggle"]),
            HomeAssistantComponents.Fan when commands => Fan(config),
            HomeAssistantComponents.Cover => Cover(config),
            HomeAssistantComponents.Climate => Climate(config),
            HomeAssistantComponents.Lock when commands => new ControlSpec(["lock", "unlock"]),
            HomeAssistantComponents.Button when commands => new ControlSpec(["press"]),
            HomeAssistantComponents.Select when commands => new ControlSpec(["select"], Options: config.GetStringList("options") ?? []),
            HomeAssistantComponents.Number when commands =>
                new ControlSpec(["set_value"], config.GetDouble("min", 1), config.GetDouble("max", 100), config.GetDouble("step", 1)),
            _ => ControlSpec.None,
        };
    }

    private static ControlSpec Light(ConfigView config)
    {
        var modes = config.GetStringList("supported_color_modes") ?? [];
        var brightness = config.GetString("schema", "default") switch
        {
            "json" => config.GetBool("brightness", false) || modes.Any(m => m is not "onoff"),
            "template" => config.Has("brightness_template"),
            _ => config.Has("brightness_command_topic") || modes.Any(m => m is not "onoff"),
        };
        var colorTemp = modes.Contains("color_temp") || config.GetBool("color_temp", false) || config.Has("color_temp_command_topic") || config.Has("color_temp_template");
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

        // HA: min_kelvin/max_kelvin (2000/6535 K), or the older mireds converted.
        var minKelvin = config.GetDouble("min_kelvin") ?? (config.GetDouble("max_mireds") is { } maxMireds and > 0 ? 1_000_000 / maxMireds : 2000);
        var maxKelvin = config.GetDouble("max_kelvin") ?? (config.GetDouble("min_mireds") is { } minMireds and > 0 ? 1_000_000 / minMireds : 6535);
        return new ControlSpec(actions, KelvinMin: (int)Math.Round(minKelvin), KelvinMax: (int)Math.Round(maxKelvin));
    }

    private static ControlSpec Fan(ConfigView config)
    {
        List<string> actions = ["toggle"];
        if (config.Has("percentage_command_topic"))
        {
            actions.Add("percentage");
        }

        var presets = config.GetStringList("preset_modes");
        if (presets is { Count: > 0 } && config.Has("preset_mode_command_topic"))
        {
            actions.Add("preset");
        }

        return new ControlSpec(actions, Presets: presets);
    }

    private static ControlSpec Cover(ConfigView config)
    {
        List<string> actions = [];
        if (config.Has("command_topic"))
        {
            actions.AddRange(["open", "close", "stop"]);
        }

        if (config.Has("set_position_topic"))
        {
            actions.Add("position");
        }

        return new ControlSpec(actions, 0, 100, 1);
    }

    private static ControlSpec Climate(ConfigView config)
    {
        List<string> actions = [];
        if (config.Has("mode_command_topic"))
        {
            actions.Add("hvac_mode");
        }

        if (config.Has("temperature_command_topic"))
        {
            actions.Add("temperature");
        }

        var presets = config.GetStringList("preset_modes");
        if (presets is { Count: > 0 } && config.Has("preset_mode_command_topic"))
        {
            actions.Add("preset");
        }

        // HA's MQTT climate: min_temp 7, max_temp 35 (°C), temp_step 1.
        return new ControlSpec(actions, config.GetDouble("min_temp", 7), config.GetDouble("max_temp", 35), config.GetDouble("temp_step", 1),
            config.GetStringList("modes") ?? DefaultHvacModes, presets);
    }
}
