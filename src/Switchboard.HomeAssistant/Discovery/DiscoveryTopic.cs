namespace Switchboard.HomeAssistant.Discovery;

/// <summary>How a topic under the discovery prefix was classified.</summary>
internal enum TopicClass
{
    /// <summary>A well-formed <c>…/config</c> topic.</summary>
    Config,

    /// <summary>Not a config topic (<c>homeassistant/status</c>, a state topic that lives under the prefix): ignored.</summary>
    NotConfig,

    /// <summary>A <c>…/config</c> topic Home Assistant would refuse; <see cref="DiscoveryTopic.TryParse"/> says why.</summary>
    Rejected,
}

/// <summary>
/// A parsed discovery topic: <c>&lt;prefix&gt;/&lt;component&gt;/[&lt;node_id&gt;/]&lt;object_id&gt;/config</c>, where
/// <c>component</c> may be <c>device</c> for device-based discovery and both ids use only <c>[a-zA-Z0-9_-]</c>.
/// </summary>
internal readonly record struct DiscoveryTopic(string Topic, string Component, string? NodeId, string ObjectId)
{
    /// <summary>Home Assistant's discovery id: <c>"node_id object_id"</c>, or <c>object_id</c>.</summary>
    public string DiscoveryId => NodeId is null ? ObjectId : $"{NodeId} {ObjectId}";

    /// <summary>The registry key of the entity this topic configures: <c>component/[node_id/]object_id</c>.</summary>
    public string Key => NodeId is null ? $"{Component}/{ObjectId}" : $"{Component}/{NodeId}/{ObjectId}";

    public bool IsDevice => Component == HomeAssistantComponents.Device;

    public static TopicClass TryParse(string topic, string prefix, ISet<string> components, out DiscoveryTopic parsed, out RejectionReason reason, out string? detail)
    {
        parsed = default;
        reason = default;
        detail = null;
        if (!topic.StartsWith(prefix, StringComparison.Ordinal) || topic.Length <= prefix.Length + 1 || topic[prefix.Length] != '/')
        {
            return TopicClass.NotConfig;
        }

        var levels = topic[(prefix.Length + 1)..].Split('/');
        if (levels[^1] != "config")
        {
            return TopicClass.NotConfig;
        }

        reason = RejectionReason.IllegalTopic;
        if (levels.Length is not (3 or 4))
        {
            detail = $"expected <prefix>/<component>/[<node_id>/]<object_id>/config, got {levels.Length - 1} level(s) between the prefix and 'config'";
            return TopicClass.Rejected;
        }

        var component = levels[0];
        if (component.Length == 0 || !component.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            detail = $"the component '{component}' is not a word";
            return TopicClass.Rejected;
        }

        var nodeId = levels.Length == 4 ? levels[1] : null;
        var objectId = levels[^2];
        if (nodeId is not null && !IsValidId(nodeId))
        {
            detail = $"the node id '{nodeId}' has characters outside [a-zA-Z0-9_-]";
            return TopicClass.Rejected;
        }

        if (!IsValidId(objectId))
        {
            detail = $"the object id '{objectId}' has characters outside [a-zA-Z0-9_-]";
            return TopicClass.Rejected;
        }

        if (component != HomeAssistantComponents.Device && !components.Contains(component))
        {
            reason = RejectionReason.UnknownComponent;
            detail = $"'{component}' is not a Home Assistant MQTT component";
            return TopicClass.Rejected;
        }

        parsed = new DiscoveryTopic(topic, component, nodeId, objectId);
        return TopicClass.Config;
    }

    /// <summary>True when <paramref name="id"/> is a non-empty run of <c>[a-zA-Z0-9_-]</c>.</summary>
    public static bool IsValidId(string id) => id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
