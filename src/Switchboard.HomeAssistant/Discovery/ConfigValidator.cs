using System.Collections.Frozen;
using System.Text.Json;

namespace Switchboard.HomeAssistant.Discovery;

/// <summary>
/// The checks Home Assistant's config schemas make that matter to a client: required keys per component, topic
/// syntax, <c>qos</c>, light <c>schema</c>, <c>on_command_type</c>, select <c>options</c>, <c>expire_after</c> and
/// <c>off_delay</c>, and well-formed <c>device</c>, <c>origin</c> and availability. Unknown keys are allowed (Home
/// Assistant drops them).
/// </summary>
internal static class ConfigValidator
{
    private static readonly FrozenDictionary<string, string[]> Required = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["alarm_control_panel"] = ["state_topic", "command_topic"],
        [HomeAssistantComponents.BinarySensor] = ["state_topic"],
        [HomeAssistantComponents.Button] = ["command_topic"],
        ["camera"] = ["topic"],
        [HomeAssistantComponents.DeviceAutomation] = ["automation_type", "topic", "type", "subtype", "device"],
        [HomeAssistantComponents.Event] = ["state_topic", "event_types"],
        [HomeAssistantComponents.Fan] = ["command_topic"],
        ["humidifier"] = ["command_topic", "target_humidity_command_topic"],
        [HomeAssistantComponents.Light] = ["command_topic"],
        [HomeAssistantComponents.Lock] = ["command_topic"],
        ["notify"] = ["command_topic"],
        [HomeAssistantComponents.Number] = ["command_topic"],
        ["scene"] = ["command_topic"],
        [HomeAssistantComponents.Select] = ["command_topic", "options"],
        [HomeAssistantComponents.Sensor] = ["state_topic"],
        ["siren"] = ["command_topic"],
        [HomeAssistantComponents.Switch] = ["command_topic"],
        [HomeAssistantComponents.Tag] = ["topic"],
        ["text"] = ["command_topic"],
        [HomeAssistantComponents.Date] = ["command_topic"],
        [HomeAssistantComponents.Time] = ["command_topic"],
        [HomeAssistantComponents.DateTime] = ["command_topic"],
        [HomeAssistantComponents.Infrared] = ["schema"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Checks an expanded, <c>~</c>-resolved config; returns null when it is acceptable.</summary>
    public static (RejectionReason Reason, string Detail)? Validate(string component, ConfigView config)
    {
        if (Required.TryGetValue(component, out var keys))
        {
            foreach (var key in keys)
            {
                if (!config.Has(key))
                {
                    return (RejectionReason.MissingRequiredKey, $"a {component} requires '{key}'");
                }
            }
        }

        foreach (var property in config.Root.EnumerateObject())
        {
            var key = property.Name;
            if (!key.EndsWith("topic", StringComparison.Ordinal) || property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() is not { Length: > 0 } topic)
            {
                return (RejectionReason.InvalidValue, $"'{key}' must be a non-empty topic string");
            }

            var publishes = key.Contains("command_topic", StringComparison.Ordinal) || key is "set_position_topic" or "set_fan_speed_topic";
            if (publishes ? !TopicRules.IsValidPublishTopic(topic) : !TopicRules.IsValidFilter(topic))
            {
                return (RejectionReason.InvalidValue, $"'{key}' is not a valid {(publishes ? "publish topic" : "topic filter")}: '{topic}'");
            }
        }

        if (config.Has("qos") && config.GetDouble("qos") is not (0d or 1d or 2d))
        {
            return (RejectionReason.InvalidValue, $"'qos' must be 0, 1 or 2, not {config.Root.GetProperty("qos").GetRawText()}");
        }

        if (config.TryGet("device", out var device) && DeviceInfo.Parse(device, out var deviceError) is null)
        {
            return (RejectionReason.InvalidValue, deviceError!);
        }

        if (config.TryGet("origin", out var origin) && OriginInfo.Parse(origin, out var originError) is null)
        {
            return (RejectionReason.InvalidValue, originError!);
        }

        AvailabilityConfig.Parse(config, out var availabilityError);
        if (availabilityError is not null)
        {
            return (RejectionReason.InvalidValue, availabilityError);
        }

        if (StateDelays.Validate(component, config) is { } delayError)
        {
            return (RejectionReason.InvalidValue, delayError);
        }

        return component switch
        {
            HomeAssistantComponents.Light => ValidateLight(config),
            HomeAssistantComponents.AlarmControlPanel => ValidateFeatures(config, AlarmFeatures),
            HomeAssistantComponents.Vacuum => ValidateFeatures(config, VacuumFeatures),
            HomeAssistantComponents.Valve => ValidateValve(config),
            HomeAssistantComponents.Humidifier => ValidateHumidifier(config),
            HomeAssistantComponents.Text => ValidateText(config),
            HomeAssistantComponents.Image => ValidateImage(config),
            HomeAssistantComponents.Infrared => ValidateInfrared(config),
            HomeAssistantComponents.DeviceAutomation when config.GetString("automation_type") != "trigger" =>
                (RejectionReason.InvalidValue, $"'automation_type' must be 'trigger' (the only device automation Home Assistant's MQTT integration has), not '{config.GetString("automation_type")}'"),
            HomeAssistantComponents.Event when config.GetStringList("event_types") is null =>
                (RejectionReason.InvalidValue, "'event_types' must be a list of strings"),
            HomeAssistantComponents.Select when config.GetStringList("options") is not { Count: > 0 } =>
                (RejectionReason.InvalidValue, "'options' must be a non-empty list"),
            _ => null,
        };
    }

    /// <summary>The names <c>supported_features</c> of an alarm panel may list (<c>const.py</c>).</summary>
    internal static readonly string[] AlarmFeatures = ["arm_home", "arm_away", "arm_night", "arm_vacation", "arm_custom_bypass", "trigger"];

    /// <summary>The names <c>supported_features</c> of a vacuum may list (<c>vacuum.py</c>).</summary>
    internal static readonly string[] VacuumFeatures = ["start", "stop", "pause", "return_home", "battery", "status", "locate", "clean_spot", "fan_speed", "send_command"];

    private static (RejectionReason, string)? ValidateFeatures(ConfigView config, string[] known)
    {
        if (config.GetStringList("supported_features") is { } features && features.FirstOrDefault(f => !known.Contains(f)) is { } unknown)
        {
            return (RejectionReason.InvalidValue, $"'supported_features' has '{unknown}'; allowed: {string.Join(", ", known)}");
        }

        return null;
    }

    private static (RejectionReason, string)? ValidateValve(ConfigView config)
    {
        if (config.GetBool("reports_position", false) && new[] { "payload_open", "payload_close", "state_open", "state_closed" }.FirstOrDefault(k => config.Root.TryGetProperty(k, out _)) is { } key)
        {
            return (RejectionReason.InvalidValue, $"'{key}' is not allowed when the valve reports a position");
        }

        return null;
    }

    private static (RejectionReason, string)? ValidateHumidifier(ConfigView config)
    {
        var min = config.GetDouble("min_humidity", 0);
        var max = config.GetDouble("max_humidity", 100);
        if (min >= max || max > 100)
        {
            return (RejectionReason.InvalidValue, $"'min_humidity' ({min}) must be below 'max_humidity' ({max}), which must be at most 100");
        }

        if (config.GetStringList("modes") is { } modes && modes.Contains(config.GetString("payload_reset_mode", "None")))
        {
            return (RejectionReason.InvalidValue, "'modes' must not contain 'payload_reset_mode'");
        }

        return null;
    }

    private static (RejectionReason, string)? ValidateText(ConfigView config)
    {
        var min = config.GetInt("min", 0);
        var max = config.GetInt("max", 255);
        if (min < 0 || min > max || max > 255)
        {
            return (RejectionReason.InvalidValue, $"text lengths must be 0 <= min ({min}) <= max ({max}) <= 255");
        }

        if (config.GetString("mode") is { } mode && mode is not ("text" or "password"))
        {
            return (RejectionReason.InvalidValue, $"'mode' must be text or password, not '{mode}'");
        }

        return null;
    }

    private static (RejectionReason, string)? ValidateImage(ConfigView config) =>
        config.Has("image_topic") == config.Has("url_topic")
            ? (RejectionReason.MissingRequiredKey, "an image requires exactly one of 'image_topic' and 'url_topic'")
            : null;

    private static (RejectionReason, string)? ValidateInfrared(ConfigView config) => config.GetString("schema") switch
    {
        "emitter" when !config.Has("command_topic") => (RejectionReason.MissingRequiredKey, "an infrared emitter requires 'command_topic'"),
        "receiver" when !config.Has("state_topic") => (RejectionReason.MissingRequiredKey, "an infrared receiver requires 'state_topic'"),
        "emitter" or "receiver" => null,
        var schema => (RejectionReason.InvalidValue, $"'schema' of an infrared entity must be emitter or receiver, not '{schema}'"),
    };

    private static (RejectionReason, string)? ValidateLight(ConfigView config)
    {
        var schema = config.GetString("schema", "basic");
        switch (schema)
        {
            case "basic" or "default" or "json":
                break;
            case "template":
                foreach (var key in new[] { "command_on_template", "command_off_template" })
                {
                    if (!config.Has(key))
                    {
                        return (RejectionReason.MissingRequiredKey, $"a light with the template schema requires '{key}'");
                    }
                }

                break;
            default:
                return (RejectionReason.InvalidValue, $"'schema' must be basic, json or template, not '{schema}'");
        }

        if (config.GetString("on_command_type") is { } onCommandType && onCommandType is not ("first" or "last" or "brightness"))
        {
            return (RejectionReason.InvalidValue, $"'on_command_type' must be first, last or brightness, not '{onCommandType}'");
        }

        return null;
    }
}
