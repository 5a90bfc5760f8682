using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.HomeAssistant.Discovery;

/// <summary>One change a discovery message asks for: add/update (<see cref="Definition"/> set) or remove.</summary>
internal readonly record struct ComponentChange(string Key, string Component, EntityDefinition? Definition);

/// <summary>A refusal of a whole message (<see cref="ComponentId"/> null) or of one component of a device-based message.</summary>
internal readonly record struct ComponentRejection(RejectionReason Reason, string Detail, string? ComponentId);

/// <summary>What a discovery message means for the registry.</summary>
internal sealed class DiscoveryOutcome
{
    public List<ComponentChange> Changes { get; } = [];

    public List<ComponentRejection> Rejections { get; } = [];

    /// <summary>An empty payload on a device topic: remove every entity that topic discovered.</summary>
    public bool RemoveDeviceEntities { get; set; }

    public static DiscoveryOutcome Rejected(RejectionReason reason, string detail)
    {
        var outcome = new DiscoveryOutcome();
        outcome.Rejections.Add(new ComponentRejection(reason, detail, null));
        return outcome;
    }
}

/// <summary>
/// Turns one message on a discovery topic into changes, the way Home Assistant's <c>discovery.py</c> does: JSON object
/// required, abbreviations expanded, an empty payload (or <c>{}</c>) removes, device-based payloads fan out into one
/// config per <c>cmps</c> entry with <c>device</c>, <c>origin</c> and the shared options inherited, a component reduced
/// to <c>{"p": …}</c> is removed, <c>~</c> is resolved, and each config is validated.
/// </summary>
internal static class DiscoveryParser
{
    /// <summary>Options a device-based payload shares with its components unless they set their own (plus <c>~</c>).</summary>
    private static readonly string[] SharedOptions =
    [
        "availability", "availability_mode", "availability_template", "availability_topic", "command_topic", "encoding",
        "payload_available", "payload_not_available", "state_topic", "qos", TopicBase.Key,
    ];

    public static DiscoveryOutcome Parse(DiscoveryTopic topic, ReadOnlyMemory<byte> payload, ISet<string> components)
    {
        if (payload.IsEmpty)
        {
            var removal = new DiscoveryOutcome();
            if (topic.IsDevice)
            {
                removal.RemoveDeviceEntities = true;
            }
            else
            {
                removal.Changes.Add(new ComponentChange(topic.Key, topic.Component, null));
            }

            return removal;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(payload.Span, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            return DiscoveryOutcome.Rejected(RejectionReason.InvalidJson, $"the payload is not JSON: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            return DiscoveryOutcome.Rejected(RejectionReason.InvalidJson, $"the payload is not UTF-8 JSON: {ex.Message}");
        }

        if (UnreadableString(payload.Span) is { } unreadable)
        {
            return DiscoveryOutcome.Rejected(RejectionReason.InvalidJson, $"the payload is not UTF-8 JSON: {unreadable}");
        }

        if (node is not JsonObject config)
        {
            return DiscoveryOutcome.Rejected(RejectionReason.NotAnObject, $"the payload must be a JSON object, not {Describe(node)}");
        }

        config.Remove("migrate_discovery");
        config.Remove("migr_discvry");
        Abbreviations.ExpandAll(config);
        return topic.IsDevice ? ParseDevice(topic, config, components) : ParseComponent(topic, config);
    }

    /// <summary>
    /// Why a string or property name of the (well-formed) JSON cannot be read as text, or null. JsonNode decodes its
    /// strings only when they are read, so invalid UTF-8 inside a string or an escaped lone surrogate parses fine and
    /// throws an InvalidOperationException later, in the middle of expanding or validating the config; one pass over
    /// the tokens up front turns that into the rejection it is.
    /// </summary>
    private static string? UnreadableString(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    _ = reader.GetString();
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
        catch (JsonException ex)
        {
            // JsonNode.Parse accepted the document, so this cannot happen; still a refusal, never an exception.
            return ex.Message;
        }

        return null;
    }

    private static DiscoveryOutcome ParseComponent(DiscoveryTopic topic, JsonObject config)
    {
        var outcome = new DiscoveryOutcome();
        if (config.Count == 0)
        {
            outcome.Changes.Add(new ComponentChange(topic.Key, topic.Component, null));
            return outcome;
        }

        config.Remove("platform");
        TopicBase.Apply(config);
        var element = ToElement(config);
        if (ConfigValidator.Validate(topic.Component, new ConfigView(element)) is { } problem)
        {
            outcome.Rejections.Add(new ComponentRejection(problem.Reason, problem.Detail, null));
            return outcome;
        }

        outcome.Changes.Add(new ComponentChange(
            topic.Key,
            topic.Component,
            EntityDefinition.Create(topic.Key, topic.Component, topic.Topic, topic.NodeId, topic.ObjectId, element, componentId: null)));
        return outcome;
    }

    private static DiscoveryOutcome ParseDevice(DiscoveryTopic topic, JsonObject payload, ISet<string> supported)
    {
        if (payload["device"] is not JsonObject device)
        {
            return payload.ContainsKey("device")
                ? DiscoveryOutcome.Rejected(RejectionReason.InvalidValue, "'device' (dev) must be a mapping")
                : DiscoveryOutcome.Rejected(RejectionReason.MissingRequiredKey, "a device-based discovery payload requires 'device' (dev)");
        }

        if (payload["origin"] is not JsonObject origin)
        {
            return DiscoveryOutcome.Rejected(RejectionReason.MissingRequiredKey, "a device-based discovery payload requires 'origin' (o)");
        }

        if (payload["components"] is not JsonObject components)
        {
            return payload.ContainsKey("components")
                ? DiscoveryOutcome.Rejected(RejectionReason.InvalidValue, "'components' (cmps) must be a mapping of component id to config")
                : DiscoveryOutcome.Rejected(RejectionReason.MissingRequiredKey, "a device-based discovery payload requires 'components' (cmps)");
        }

        var deviceElement = ToElement(device);
        if (DeviceInfo.Parse(deviceElement, out var deviceError) is null)
        {
            return DiscoveryOutcome.Rejected(RejectionReason.InvalidValue, deviceError!);
        }

        if (OriginInfo.Parse(ToElement(origin), out var originError) is null)
        {
            return DiscoveryOutcome.Rejected(RejectionReason.InvalidValue, originError!);
        }

        var outcome = new DiscoveryOutcome();
        foreach (var (componentId, node) in components)
        {
            if (!DiscoveryTopic.IsValidId(componentId))
            {
                outcome.Rejections.Add(new ComponentRejection(RejectionReason.InvalidValue, $"the component id '{componentId}' has characters outside [a-zA-Z0-9_-]", componentId));
                continue;
            }

            if (node is not JsonObject component)
            {
                outcome.Rejections.Add(new ComponentRejection(RejectionReason.InvalidValue, $"component '{componentId}' must be a mapping, not {Describe(node)}", componentId));
                continue;
            }

            if (component["platform"] is not JsonValue platformNode || !platformNode.TryGetValue<string>(out var platform))
            {
                outcome.Rejections.Add(new ComponentRejection(RejectionReason.MissingRequiredKey, $"component '{componentId}' requires 'platform' (p)", componentId));
                continue;
            }

            if (!supported.Contains(platform))
            {
                outcome.Rejections.Add(new ComponentRejection(RejectionReason.UnknownComponent, $"'{platform}' is not a Home Assistant MQTT component", componentId));
                continue;
            }

            // Home Assistant's ids: node_id = the device's object_id, object_id = "[node_id ]component_id".
            var objectId = topic.NodeId is null ? componentId : $"{topic.NodeId} {componentId}";
            var key = $"{platform}/{topic.ObjectId}/{objectId}";
            var config = (JsonObject)component.DeepClone();
            config.Remove("platform");
            if (config.Count == 0)
            {
                outcome.Changes.Add(new ComponentChange(key, platform, null));
                continue;
            }

            if (platform is not ("device_automation" or "tag") && !config.ContainsKey("unique_id"))
            {
                outcome.Rejections.Add(new ComponentRejection(RejectionReason.MissingRequiredKey, $"component '{componentId}' of a device-based payload requires 'unique_id' (uniq_id)", componentId));
                continue;
            }

            config["device"] = device.DeepClone();
            config["origin"] = origin.DeepClone();
            foreach (var option in SharedOptions)
            {
                if (payload.TryGetPropertyValue(option, out var shared) && !config.ContainsKey(option))
                {
                    config[option] = shared?.DeepClone();
                }
            }

            TopicBase.Apply(config);
            var element = ToElement(config);
            if (ConfigValidator.Validate(platform, new ConfigView(element)) is { } problem)
            {
                outcome.Rejections.Add(new ComponentRejection(problem.Reason, problem.Detail, componentId));
                continue;
            }

            outcome.Changes.Add(new ComponentChange(key, platform, EntityDefinition.Create(key, platform, topic.Topic, topic.ObjectId, objectId, element, componentId)));
        }

        return outcome;
    }

    private static JsonElement ToElement(JsonNode node)
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(node.ToJsonString()));
        return document.RootElement.Clone();
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => "a boolean",
        },
        _ => "an object",
    };
}
