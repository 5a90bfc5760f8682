namespace Switchboard;

/// <summary>
/// The MQTT 5 topic aliases of one connection's outgoing publishes. While the broker's Topic Alias Maximum allows,
/// each topic long enough to be worth it gets an alias the first time it is published (sent with the topic and the
/// alias), and every later publish to it carries only the alias: a repeated long topic costs 3 bytes instead of its
/// length. Aliases live as long as the connection (a new connection starts with none), and a topic counts as known
/// to the broker only once a packet that introduced it has been written, so a packet that was never sent can never
/// leave the broker with an alias it does not know. Used by the publish pump only (one thread at a time).
/// </summary>
internal sealed class OutgoingTopicAliases
{
    /// <summary>Topics shorter than this keep going out in full: an alias (3 bytes of property) would save little.</summary>
    public const int MinimumTopicLength = 8;

    private readonly Dictionary<string, (ushort Alias, bool Established)> _aliases = new(StringComparer.Ordinal);
    private readonly ushort _maximum;

    /// <param name="maximum">The broker's Topic Alias Maximum (0: no aliases).</param>
    public OutgoingTopicAliases(ushort maximum)
    {
        _maximum = maximum;
    }

    /// <summary>The alias to send with a publish to <paramref name="topic"/> (0 = none) and whether the broker knows it.</summary>
    public ushort Lookup(string topic, out bool established)
    {
        if (_aliases.TryGetValue(topic, out var entry))
        {
            established = entry.Established;
            return entry.Alias;
        }

        established = false;
        if (_aliases.Count >= _maximum || topic.Length < MinimumTopicLength)
        {
            return 0;
        }

        var alias = (ushort)(_aliases.Count + 1);
        _aliases[topic] = (alias, false);
        return alias;
    }

    /// <summary>A publish that introduced <paramref name="topic"/>'s alias has been written to the connection.</summary>
    public void Written(string topic)
    {
        if (_aliases.TryGetValue(topic, out var entry) && !entry.Established)
        {
            _aliases[topic] = (entry.Alias, true);
        }
    }
}
