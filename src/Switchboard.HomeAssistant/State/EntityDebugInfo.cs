namespace Switchboard.HomeAssistant;

/// <summary>What Home Assistant shows under an MQTT entity's "MQTT INFO": the discovery message that configured it and
/// the most recent messages (<see cref="MessagesPerTopic"/> per topic) on each topic it subscribes and each topic its
/// controls published to. A snapshot; see <see cref="HomeAssistantEntity.GetDebugInfo"/>.</summary>
public sealed record EntityDebugInfo
{
    /// <summary>How many messages are kept per topic, as in Home Assistant's <c>debug_info.py</c>.</summary>
    public const int MessagesPerTopic = 10;

    /// <summary>The discovery topic of the current config.</summary>
    public required string DiscoveryTopic { get; init; }

    /// <summary>The payload of the discovery message that gave the current config, as received (for device-based
    /// discovery, the whole device payload with every component).</summary>
    public required string DiscoveryPayload { get; init; }

    /// <summary>When the registry applied that message, by its <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset DiscoveredAt { get; init; }

    /// <summary>One entry per topic filter the entity subscribes now (state, attributes, events, availability), in
    /// config order, with the messages received on it, oldest first.</summary>
    public required IReadOnlyList<TopicDebugInfo> Subscriptions { get; init; }

    /// <summary>One entry per topic the entity's controls published to, in order of first use, with the messages sent.</summary>
    public required IReadOnlyList<TopicDebugInfo> Published { get; init; }
}

/// <summary>A topic (or subscribed filter) and its most recent messages, oldest first.</summary>
/// <param name="Topic">The topic filter subscribed, or the topic published to.</param>
/// <param name="Messages">At most <see cref="EntityDebugInfo.MessagesPerTopic"/> messages.</param>
public sealed record TopicDebugInfo(string Topic, IReadOnlyList<DebugMessage> Messages);

/// <summary>A message received or published for an entity.</summary>
/// <param name="Topic">The message's topic.</param>
/// <param name="Payload">The payload as text (UTF-8).</param>
/// <param name="Qos">Its QoS.</param>
/// <param name="Retain">Its retain flag.</param>
/// <param name="Timestamp">When the registry handled it (received) or the control sent it (published), by the registry's clock.</param>
public sealed record DebugMessage(string Topic, string Payload, Qos Qos, bool Retain, DateTimeOffset Timestamp);
