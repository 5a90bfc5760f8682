namespace Switchboard.HomeAssistant.Discovery;

/// <summary>MQTT topic syntax checks for topics read from discovery configs.</summary>
internal static class TopicRules
{
    /// <summary>A topic to publish to: non-empty, no wildcards, no NUL.</summary>
    public static bool IsValidPublishTopic(string topic) =>
        topic.Length > 0 && topic.IndexOfAny(['+', '#', '\0']) < 0;

    /// <summary>A topic filter to subscribe to: <c>+</c> only as a whole level, <c>#</c> only as the whole last level.</summary>
    public static bool IsValidFilter(string filter)
    {
        if (filter.Length == 0 || filter.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var levels = filter.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level.Contains('#', StringComparison.Ordinal) && (level != "#" || i != levels.Length - 1))
            {
                return false;
            }

            if (level.Contains('+', StringComparison.Ordinal) && level != "+")
            {
                return false;
            }
        }

        return true;
    }

    public static bool HasWildcard(string filter) => filter.IndexOfAny(['+', '#']) >= 0;

    /// <summary>True when <paramref name="topic"/> matches <paramref name="filter"/> (<c>+</c> one level, <c>#</c> the rest).</summary>
    public static bool Matches(string filter, string topic)
    {
        var f = filter.Split('/');
        var t = topic.Split('/');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                return true;
            }

            if (i >= t.Length || (f[i] != "+" && f[i] != t[i]))
            {
                return false;
            }
        }

        return f.Length == t.Length;
    }
}
