using System.Text.Json;

namespace Switchboard.HomeAssistant.Discovery;

/// <summary>One availability topic: the payloads that mean available / not available, and an optional template.</summary>
internal sealed record AvailabilitySource(string Topic, string PayloadAvailable, string PayloadNotAvailable, ConfigTemplate? Template);

/// <summary>
/// The availability of an entity: a single <c>availability_topic</c> (with <c>payload_available</c>,
/// <c>payload_not_available</c>, <c>availability_template</c>) or an <c>availability</c> list, combined by
/// <c>availability_mode</c>. Defaults: <c>online</c> / <c>offline</c>, mode <c>latest</c>.
/// </summary>
internal sealed record AvailabilityConfig(IReadOnlyList<AvailabilitySource> Sources, AvailabilityMode Mode)
{
    public const string DefaultAvailable = "online";
    public const string DefaultNotAvailable = "offline";

    /// <summary>Reads the availability keys of an expanded config: null when none are configured.</summary>
    public static AvailabilityConfig? Parse(ConfigView config, out string? error)
    {
        error = null;
        var hasTopic = config.Has("availability_topic");
        var hasList = config.Has("availability");
        if (!hasTopic && !hasList)
        {
            return null;
        }

        if (hasTopic && hasList)
        {
            error = "'availability_topic' and 'availability' are mutually exclusive";
            return null;
        }

        var mode = AvailabilityMode.Latest;
        if (config.GetString("availability_mode") is { } modeText)
        {
            switch (modeText)
            {
                case "all":
                    mode = AvailabilityMode.All;
                    break;
                case "any":
                    mode = AvailabilityMode.Any;
                    break;
                case "latest":
                    break;
                default:
                    error = $"'availability_mode' must be all, any or latest, not '{modeText}'";
                    return null;
            }
        }

        var sources = new List<AvailabilitySource>();
        if (hasTopic)
        {
            if (config.GetString("availability_topic") is not { Length: > 0 } topic || config.Root.GetProperty("availability_topic").ValueKind != JsonValueKind.String)
            {
                error = "'availability_topic' must be a topic";
                return null;
            }

            sources.Add(new AvailabilitySource(
                topic,
                config.GetString("payload_available", DefaultAvailable),
                config.GetString("payload_not_available", DefaultNotAvailable),
                config.GetString("availability_template") is { } template ? ConfigTemplate.Compile("availability_template", template) : null));
        }
        else
        {
            config.TryGet("availability", out var list);
            var entries = list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [list];
            if (entries.Count == 0)
            {
                error = "'availability' must list at least one topic";
                return null;
            }

            foreach (var entry in entries)
            {
                var view = new ConfigView(entry);
                if (entry.ValueKind != JsonValueKind.Object || !view.TryGet("topic", out var topicElement) || topicElement.ValueKind != JsonValueKind.String || topicElement.GetString() is not { Length: > 0 } topic)
                {
                    error = "every 'availability' entry must be a mapping with a 'topic'";
                    return null;
                }

                if (!TopicRules.IsValidFilter(topic))
                {
                    error = $"'availability' topic '{topic}' is not a valid topic";
                    return null;
                }

                sources.Add(new AvailabilitySource(
                    topic,
                    view.GetString("payload_available", DefaultAvailable),
                    view.GetString("payload_not_available", DefaultNotAvailable),
                    view.GetString("value_template") is { } template ? ConfigTemplate.Compile("availability.value_template", template) : null));
            }
        }

        return new AvailabilityConfig(sources, mode);
    }
}
