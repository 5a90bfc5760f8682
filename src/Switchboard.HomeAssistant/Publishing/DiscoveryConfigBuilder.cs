using System.Reflection;
using System.Text.Json.Nodes;
using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.HomeAssistant.Publishing;

/// <summary>A command topic of an announced entity.</summary>
internal readonly record struct CommandTopic(string Key, string Topic);

/// <summary>An entity as announced: its topics and its discovery config.</summary>
internal sealed record AnnouncedEntity(
    EntityDescription Description,
    string UniqueId,
    string? StateTopic,
    string? AttributesTopic,
    IReadOnlyList<CommandTopic> CommandTopics,
    string ConfigTopic,
    JsonObject Config);

/// <summary>A device as announced: its entities and, in device-discovery mode, the one device config.</summary>
internal sealed record AnnouncedDevice(DeviceDescription Description, IReadOnlyList<AnnouncedEntity> Entities, string? DeviceConfigTopic, JsonObject? DeviceConfig)
{
    public AnnouncedEntity? Find(string objectId) => Entities.FirstOrDefault(e => e.Description.ObjectId == objectId);
}

/// <summary>Builds the discovery configs of a <see cref="DeviceDescription"/>, in full (unabbreviated) key names.</summary>
internal static class DiscoveryConfigBuilder
{
    /// <summary>The availability template over a Switchboard health envelope: the will (<c>ok:false</c>) means offline.</summary>
    public const string HealthAvailabilityTemplate = "{{ 'online' if value_json.data.ok else 'offline' }}";

    private static readonly HashSet<string> Commanded = new(StringComparer.Ordinal)
    {
        "alarm_control_panel", HomeAssistantComponents.Button, HomeAssistantComponents.Cover, HomeAssistantComponents.Fan, "humidifier",
        HomeAssistantComponents.Light, HomeAssistantComponents.Lock, "notify", HomeAssistantComponents.Number, "scene",
        HomeAssistantComponents.Select, "siren", HomeAssistantComponents.Switch, "text", "valve",
    };

    private static readonly HashSet<string> Stateless = new(StringComparer.Ordinal)
    {
        HomeAssistantComponents.Button, "scene", "notify", HomeAssistantComponents.Climate, "camera", "image", "device_automation", "tag",
    };

    private static readonly string Version =
        typeof(DiscoveryConfigBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static AnnouncedDevice Build(DeviceDescription device, string discoveryPrefix, string topicPrefix, string? healthTopic, ISet<string> components)
    {
        Validate(device, components);
        var deviceJson = DeviceJson(device);
        var origin = new JsonObject { ["name"] = "Switchboard", ["sw_version"] = Version };
        JsonArray? availability = healthTopic is null
            ? null
            : new JsonArray(new JsonObject { ["topic"] = healthTopic, ["value_template"] = HealthAvailabilityTemplate }); // not a collection expression: that binds JsonArray.Add<T>, which is not AOT safe
        var entities = new List<AnnouncedEntity>();
        foreach (var entity in device.Entities)
        {
            var uniqueId = entity.UniqueId ?? $"{device.Id}_{entity.ObjectId}";
            var baseTopic = $"{topicPrefix}/{entity.Component}/{uniqueId}";
            var config = new JsonObject
            {
                ["name"] = entity.Name,
                ["unique_id"] = uniqueId,
                [TopicBase.Key] = baseTopic,
            };
            var stateTopic = entity.StateTopic ?? (Stateless.Contains(entity.Component) ? null : "~/state");
            if (stateTopic is { Length: > 0 })
            {
                config["state_topic"] = stateTopic;
            }

            var commandTopic = entity.CommandTopic ?? (Commanded.Contains(entity.Component) ? "~/set" : null);
            if (commandTopic is { Length: > 0 })
            {
                config["command_topic"] = commandTopic;
            }

            if (entity.HasAttributes)
            {
                config["json_attributes_topic"] = "~/attributes";
            }

            AddIfSet(config, "device_class", entity.DeviceClass);
            AddIfSet(config, "unit_of_measurement", entity.UnitOfMeasurement);
            AddIfSet(config, "state_class", entity.StateClass);
            AddIfSet(config, "icon", entity.Icon);
            AddIfSet(config, "entity_category", entity.EntityCategory);
            if (entity.Config is not null)
            {
                var extra = (JsonObject)entity.Config.DeepClone();
                Abbreviations.ExpandAll(extra, componentOnly: true);
                foreach (var (key, value) in extra.ToList())
                {
                    extra.Remove(key);
                    config[key] = value;
                }
            }

            // What the topics resolve to once Home Assistant applies '~'.
            var resolved = (JsonObject)config.DeepClone();
            TopicBase.Apply(resolved);
            var view = new ConfigView(System.Text.Json.JsonSerializer.SerializeToElement(resolved, PublishingJsonContext.Default.JsonObject));
            var commands = resolved
                .Where(p => p.Key.EndsWith("command_topic", StringComparison.Ordinal) || p.Key == "set_position_topic")
                .Select(p => view.GetString(p.Key) is { Length: > 0 } topic ? new CommandTopic(p.Key, topic) : (CommandTopic?)null)
                .OfType<CommandTopic>()
                .ToList();
            if (!device.UseDeviceDiscovery)
            {
                if (availability is not null)
                {
                    config["availability"] = MergeAvailability(config, availability);
                }

                config["device"] = deviceJson.DeepClone();
                config["origin"] = origin.DeepClone();
            }

            entities.Add(new AnnouncedEntity(
                entity,
                uniqueId,
                view.GetString("state_topic"),
                view.GetString("json_attributes_topic"),
                commands,
                $"{discoveryPrefix}/{entity.Component}/{device.Id}/{entity.ObjectId}/config",
                config));
        }

        if (!device.UseDeviceDiscovery)
        {
            return new AnnouncedDevice(device, entities, null, null);
        }

        var componentsJson = new JsonObject();
        foreach (var announced in entities)
        {
            var component = new JsonObject { ["platform"] = announced.Description.Component };
            foreach (var (key, value) in announced.Config.ToList())
            {
                component[key] = value?.DeepClone();
            }

            componentsJson[announced.Description.ObjectId] = component;
        }

        var payload = new JsonObject { ["device"] = deviceJson, ["origin"] = origin };
        if (availability is not null)
        {
            payload["availability"] = availability;
        }

        payload["components"] = componentsJson;
        return new AnnouncedDevice(device, entities, $"{discoveryPrefix}/device/{device.Id}/config", payload);
    }

    /// <summary>
    /// The health availability plus any the entity's <c>Config</c> brings (an <c>availability</c> list or a single
    /// <c>availability_topic</c>), combined with <c>availability_mode: all</c> unless the config chose a mode: the
    /// entity is available while the service is healthy and its own topic says so.
    /// </summary>
    private static JsonArray MergeAvailability(JsonObject config, JsonArray health)
    {
        var merged = new JsonArray();
        if (config["availability"] is JsonArray own)
        {
            foreach (var entry in own)
            {
                merged.Add(entry?.DeepClone());
            }
        }
        else if (config["availability_topic"] is JsonValue topic)
        {
            var entry = new JsonObject { ["topic"] = topic.DeepClone() };
            foreach (var (from, to) in new[] { ("payload_available", "payload_available"), ("payload_not_available", "payload_not_available"), ("availability_template", "value_template") })
            {
                if (config[from] is { } value)
                {
                    entry[to] = value.DeepClone();
                    config.Remove(from);
                }
            }

            config.Remove("availability_topic");
            merged.Add((JsonNode)entry);
        }

        if (merged.Count > 0 && !config.ContainsKey("availability_mode"))
        {
            config["availability_mode"] = "all";
        }

        foreach (var entry in health)
        {
            merged.Add(entry?.DeepClone());
        }

        return merged;
    }

    private static JsonObject DeviceJson(DeviceDescription device)
    {
        var identifiers = new JsonArray(device.Id);
        foreach (var identifier in device.Identifiers.Where(i => i != device.Id))
        {
            identifiers.Add((JsonNode)identifier);
        }

        var json = new JsonObject { ["identifiers"] = identifiers };
        AddIfSet(json, "name", device.Name);
        AddIfSet(json, "manufacturer", device.Manufacturer);
        AddIfSet(json, "model", device.Model);
        AddIfSet(json, "model_id", device.ModelId);
        AddIfSet(json, "sw_version", device.SwVersion);
        AddIfSet(json, "hw_version", device.HwVersion);
        AddIfSet(json, "serial_number", device.SerialNumber);
        AddIfSet(json, "suggested_area", device.SuggestedArea);
        AddIfSet(json, "configuration_url", device.ConfigurationUrl);
        return json;
    }

    private static void Validate(DeviceDescription device, ISet<string> components)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!DiscoveryTopic.IsValidId(device.Id ?? string.Empty))
        {
            throw new ArgumentException($"DeviceDescription.Id '{device.Id}' must be non-empty and use only [a-zA-Z0-9_-] (it is a discovery topic level).", nameof(device));
        }

        if (device.Entities.Count == 0)
        {
            throw new ArgumentException($"Device '{device.Id}' has no entities to announce.", nameof(device));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entity in device.Entities)
        {
            if (!DiscoveryTopic.IsValidId(entity.ObjectId ?? string.Empty))
            {
                throw new ArgumentException($"EntityDescription.ObjectId '{entity.ObjectId}' of device '{device.Id}' must use only [a-zA-Z0-9_-].", nameof(device));
            }

            if (!components.Contains(entity.Component ?? string.Empty))
            {
                throw new ArgumentException($"Entity '{entity.ObjectId}' of device '{device.Id}' has component '{entity.Component}', which Home Assistant does not know.", nameof(device));
            }

            if (!seen.Add(entity.ObjectId!))
            {
                throw new ArgumentException($"Device '{device.Id}' has two entities with ObjectId '{entity.ObjectId}'.", nameof(device));
            }
        }
    }

    private static void AddIfSet(JsonObject json, string key, string? value)
    {
        if (value is not null)
        {
            json[key] = value;
        }
    }
}
