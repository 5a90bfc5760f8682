using System.Text;

namespace Switchboard;

/// <summary>Validation of topic names and filters as MQTT 5 §4.7 defines them.</summary>
internal static class Topics
{
    public const int MaxLength = 65535;
    private const string SharePrefix = "$share/";

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when <paramref name="topic"/> cannot be published to.</summary>
    public static void ValidateTopicName(string topic, string paramName = "topic")
    {
        ArgumentNullException.ThrowIfNull(topic, paramName);
        if (topic.Length == 0)
        {
            throw new ArgumentException("The topic is empty; a publish needs a topic name such as 'home/kitchen/light/set'.", paramName);
        }

        var wildcard = topic.AsSpan().IndexOfAny('+', '#');
        if (wildcard >= 0)
        {
            throw new ArgumentException($"The topic '{topic}' contains the wildcard '{topic[wildcard]}' at position {wildcard}; wildcards are allowed in subscription filters, not in topics you publish to.", paramName);
        }

        CheckCommon(topic, paramName, "topic");
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when <paramref name="filter"/> is not a valid filter.</summary>
    public static void ValidateFilter(string filter, string paramName = "filter")
    {
        ArgumentNullException.ThrowIfNull(filter, paramName);
        if (filter.Length == 0)
        {
            throw new ArgumentException("The topic filter is empty; use e.g. 'home/+/state' or '#'.", paramName);
        }

        CheckCommon(filter, paramName, "topic filter");
        var inner = filter;
        if (filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            var slash = filter.IndexOf('/', SharePrefix.Length);
            var group = slash < 0 ? filter[SharePrefix.Length..] : filter[SharePrefix.Length..slash];
            if (group.Length == 0 || group.AsSpan().IndexOfAny('+', '#') >= 0)
            {
                throw new ArgumentException($"The shared subscription '{filter}' has an invalid group name '{group}'; use $share/<group>/<filter> with a group without wildcards.", paramName);
            }

            if (slash < 0 || slash == filter.Length - 1)
            {
                throw new ArgumentException($"The shared subscription '{filter}' has no filter after the group; use $share/<group>/<filter>.", paramName);
            }

            inner = filter[(slash + 1)..];
        }

        var levelStart = 0;
        for (var i = 0; i <= inner.Length; i++)
        {
            if (i < inner.Length && inner[i] != '/')
            {
                continue;
            }

            var level = inner.AsSpan(levelStart, i - levelStart);
            if (level.Length > 1 && level.IndexOfAny('+', '#') >= 0)
            {
                throw new ArgumentException($"The topic filter '{filter}' has a wildcard inside the level '{level}'; '+' and '#' must occupy a whole level.", paramName);
            }

            if (level is "#" && i != inner.Length)
            {
                throw new ArgumentException($"The topic filter '{filter}' has '#' before the last level; '#' may only be the last level.", paramName);
            }

            levelStart = i + 1;
        }
    }

    /// <summary>The filter the broker matches topics against: <c>$share/g/a/+</c> → <c>a/+</c>.</summary>
    public static string MatchingFilter(string filter)
    {
        if (!filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            return filter;
        }

        var slash = filter.IndexOf('/', SharePrefix.Length);
        return filter[(slash + 1)..];
    }

    public static bool IsValidQos(Qos qos) => qos is Qos.AtMostOnce or Qos.AtLeastOnce or Qos.ExactlyOnce;

    public static void ValidateQos(Qos qos, string paramName = "qos")
    {
        if (!IsValidQos(qos))
        {
            throw new ArgumentOutOfRangeException(paramName, (int)qos, $"QoS {(int)qos} does not exist; use 0 (AtMostOnce), 1 (AtLeastOnce) or 2 (ExactlyOnce).");
        }
    }

    private static void CheckCommon(string value, string paramName, string what)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The {what} contains a NUL character, which MQTT forbids.", paramName);
        }

        if (value.Length > MaxLength / 3 && Encoding.UTF8.GetByteCount(value) > MaxLength)
        {
            throw new ArgumentException($"The {what} is {Encoding.UTF8.GetByteCount(value)} bytes long in UTF-8; MQTT allows at most {MaxLength}.", paramName);
        }
    }
}
