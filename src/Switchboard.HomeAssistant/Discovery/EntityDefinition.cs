using System.Text.Json;
using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant.Discovery;

/// <summary>Where a state message for an entity comes from: a config key (<c>state_topic</c> …) or an availability source.</summary>
internal readonly record struct TopicBinding(string Topic, string Key, int AvailabilityIndex = -1)
{
    public bool IsAvailability => AvailabilityIndex >= 0;
}

/// <summary>
/// One validated entity config from discovery, immutable: the expanded config, its identity, device, origin,
/// availability, compiled templates, and the topics its state comes from. An update replaces the definition.
/// </summary>
internal sealed class EntityDefinition
{
    private EntityDefinition(string key, string component, string discoveryTopic, string? nodeId, string objectId, JsonElement config)
    {
        Key = key;
        Component = component;
        DiscoveryTopic = discoveryTopic;
        NodeId = nodeId;
        ObjectId = objectId;
        Root = config;
    }

    /// <summary>The registry key: <c>component/[node_id/]object_id</c> (for device-based: <c>platform/device_object_id/component_id</c>).</summary>
    public string Key { get; }

    public string Component { get; }

    public string DiscoveryTopic { get; }

    public string? NodeId { get; }

    public string ObjectId { get; }

    /// <summary>The expanded config.</summary>
    public JsonElement Root { get; }

    public ConfigView Config => new(Root);

    public string? UniqueId { get; private init; }

    /// <summary><c>name</c>; null when absent or explicitly null (then the device name is used).</summary>
    public string? Name { get; private init; }

    public DeviceInfo? Device { get; private init; }

    public OriginInfo? Origin { get; private init; }

    public AvailabilityConfig? Availability { get; private init; }

    public Qos Qos { get; private init; }

    public bool Retain { get; private init; }

    /// <summary>For a light: <c>basic</c>, <c>json</c> or <c>template</c>.</summary>
    public string? Schema { get; private init; }

    /// <summary>Set when the entity came from device-based discovery: the id of its entry in <c>cmps</c>.</summary>
    public string? ComponentId { get; private init; }

    /// <summary><c>expire_after</c> (sensor, binary sensor): how long a state stays valid; null when it never expires.</summary>
    public TimeSpan? ExpireAfter { get; private init; }

    /// <summary><c>off_delay</c> (binary sensor): how long after an ON the sensor turns itself off; null when it does not.</summary>
    public TimeSpan? OffDelay { get; private init; }

    public IReadOnlyDictionary<string, ConfigTemplate> Templates { get; private init; } = new Dictionary<string, ConfigTemplate>();

    /// <summary>State, attribute and availability topics, in subscription order.</summary>
    public IReadOnlyList<TopicBinding> Bindings { get; private init; } = [];

    /// <summary>The entity id the registry uses: <see cref="UniqueId"/> when set, else <see cref="Key"/>.</summary>
    public string Id => UniqueId ?? Key;

    /// <summary>Every template that is outside the supported subset, with the reason (logged once per config).</summary>
    public IEnumerable<ConfigTemplate> UnsupportedTemplates =>
        Templates.Values.Concat(Availability?.Sources.Select(s => s.Template).OfType<ConfigTemplate>() ?? []).Where(t => t.Template is null);

    /// <summary><see cref="UnsupportedTemplates"/> as the public face shows them.</summary>
    public IReadOnlyList<RejectedTemplate> RejectedTemplates { get; private init; } = [];

    public ConfigTemplate? GetTemplate(string key) => Templates.TryGetValue(key, out var template) ? template : null;

    /// <summary>Builds a definition from a validated config (see <see cref="ConfigValidator"/>). <c>extraStateTopics</c>:
    /// further topics read like <c>state_topic</c> (a Tasmota device reports its state on <c>stat/…/RESULT</c> and
    /// <c>tele/…/STATE</c>); none for Home Assistant discovery.</summary>
    public static EntityDefinition Create(string key, string component, string discoveryTopic, string? nodeId, string objectId, JsonElement config, string? componentId, IReadOnlyList<string>? extraStateTopics = null)
    {
        var view = new ConfigView(config);
        var templates = new Dictionary<string, ConfigTemplate>(StringComparer.Ordinal);
        foreach (var property in config.EnumerateObject())
        {
            if (property.Name.EndsWith("template", StringComparison.Ordinal) && property.Name != "availability_template" && property.Value.ValueKind == JsonValueKind.String)
            {
                templates[property.Name] = ConfigTemplate.Compile(property.Name, property.Value.GetString()!);
            }
        }

        var schema = component == HomeAssistantComponents.Light ? view.GetString("schema", "basic") switch
        {
            "default" => "basic",
            var s => s,
        } : null;
        var availability = AvailabilityConfig.Parse(view, out _);
        var bindings = new List<TopicBinding>();
        foreach (var topicKey in StateTopics.For(component, schema).Append(StateTopics.JsonAttributes))
        {
            if (view.GetString(topicKey) is { Length: > 0 } topic)
            {
                bindings.Add(new TopicBinding(topic, topicKey));
            }
        }

        foreach (var topic in extraStateTopics ?? [])
        {
            bindings.Add(new TopicBinding(topic, StateTopics.State));
        }

        if (availability is not null)
        {
            for (var i = 0; i < availability.Sources.Count; i++)
            {
                bindings.Add(new TopicBinding(availability.Sources[i].Topic, StateTopics.Availability, i));
            }
        }

        var nameIsNull = config.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.Null;
        return new EntityDefinition(key, component, discoveryTopic, nodeId, objectId, config)
        {
            UniqueId = view.GetString("unique_id") is { Length: > 0 } uniqueId ? uniqueId : null,
            Name = nameIsNull ? null : view.GetString("name"),
            Device = view.TryGet("device", out var device) ? DeviceInfo.Parse(device, out _) : null,
            Origin = view.TryGet("origin", out var origin) ? OriginInfo.Parse(origin, out _) : null,
            Availability = availability,
            Qos = (Qos)view.GetInt("qos", 0),
            Retain = view.GetBool("retain", false),
            Schema = schema,
            ComponentId = componentId,
            ExpireAfter = StateDelays.ExpireAfter(component, view),
            OffDelay = StateDelays.OffDelay(component, view),
            Templates = templates,
            RejectedTemplates = [.. templates.Values.Concat(availability?.Sources.Select(s => s.Template).OfType<ConfigTemplate>() ?? [])
                .Where(t => t.Template is null)
                .Select(t => new RejectedTemplate(t.Key, t.Source, t.Error ?? "not supported"))],
            Bindings = bindings,
        };
    }
}
