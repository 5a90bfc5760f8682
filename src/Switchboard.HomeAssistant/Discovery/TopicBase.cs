using System.Text.Json.Nodes;

namespace Switchboard.HomeAssistant.Discovery;

/// <summary>
/// The <c>~</c> (topic base) of a discovery payload: in every key ending in <c>topic</c> (or an unexpanded <c>_t</c>),
/// and in the <c>topic</c> of each availability entry, a <c>~</c> at the start or the end of the value is replaced by
/// the base. A <c>~</c> in the middle is left alone, as Home Assistant does. The <c>~</c> key itself is removed.
/// </summary>
internal static class TopicBase
{
    public const string Key = "~";

    public static void Apply(JsonObject payload)
    {
        if (!payload.TryGetPropertyValue(Key, out var baseNode))
        {
            return;
        }

        payload.Remove(Key);
        if (baseNode is not JsonValue value || !value.TryGetValue<string>(out var baseTopic))
        {
            return;
        }

        foreach (var key in payload.Select(p => p.Key).ToList())
        {
            if (key.EndsWith("topic", StringComparison.Ordinal) || key.EndsWith("_t", StringComparison.Ordinal))
            {
                Replace(payload, key, baseTopic);
            }
        }

        switch (payload["availability"])
        {
            case JsonObject single:
                Replace(single, "topic", baseTopic);
                break;
            case JsonArray list:
                foreach (var entry in list)
                {
                    if (entry is JsonObject obj)
                    {
                        Replace(obj, "topic", baseTopic);
                    }
                }

                break;
        }
    }

    private static void Replace(JsonObject payload, string key, string baseTopic)
    {
        if (payload[key] is not JsonValue node || !node.TryGetValue<string>(out var topic) || topic.Length == 0)
        {
            return;
        }

        if (topic[0] == '~')
        {
            topic = baseTopic + topic[1..];
        }

        if (topic.Length > 0 && topic[^1] == '~')
        {
            topic = topic[..^1] + baseTopic;
        }

        payload[key] = topic;
    }
}
