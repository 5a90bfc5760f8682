namespace Switchboard.HomeAssistant.State;

/// <summary>An entity's debug record: its discovery message and the last <see cref="EntityDebugInfo.MessagesPerTopic"/>
/// messages per subscribed filter and per published topic. Bounded: the filters and topics come from the config. Has its
/// own lock, as controls publish from any thread.</summary>
internal sealed class DebugLog
{
    private readonly Lock _gate = new();
    // Created when first needed: most entities are never commanded, and a large install has tens of thousands.
    private Dictionary<string, Queue<DebugMessage>>? _received;
    private Dictionary<string, Queue<DebugMessage>>? _published;
    private List<string>? _publishedOrder;
    private byte[] _discoveryPayload = [];
    private DateTimeOffset _discoveredAt;

    /// <summary>Records the discovery message, kept as UTF-8 (half the memory of the text; a large install keeps
    /// tens of thousands); the entities of one device message share the same bytes.</summary>
    public void Discovered(byte[] payload, DateTimeOffset at)
    {
        lock (_gate)
        {
            _discoveryPayload = payload;
            _discoveredAt = at;
        }
    }

    public void Received(string filter, DebugMessage message)
    {
        lock (_gate)
        {
            Add(_received ??= new(StringComparer.Ordinal), filter, message);
        }
    }

    public void Published(DebugMessage message)
    {
        lock (_gate)
        {
            _published ??= new(StringComparer.Ordinal);
            if (!_published.ContainsKey(message.Topic))
            {
                (_publishedOrder ??= []).Add(message.Topic);
            }

            Add(_published, message.Topic, message);
        }
    }

    /// <summary>Forgets the messages of filters no longer subscribed.</summary>
    public void Keep(IEnumerable<string> filters)
    {
        lock (_gate)
        {
            if (_received is null)
            {
                return;
            }

            var keep = filters.ToHashSet(StringComparer.Ordinal);
            foreach (var filter in _received.Keys.Where(f => !keep.Contains(f)).ToList())
            {
                _received.Remove(filter);
            }
        }
    }

    public EntityDebugInfo Snapshot(string discoveryTopic, IEnumerable<string> filters)
    {
        lock (_gate)
        {
            return new EntityDebugInfo
            {
                DiscoveryTopic = discoveryTopic,
                DiscoveryPayload = System.Text.Encoding.UTF8.GetString(_discoveryPayload),
                DiscoveredAt = _discoveredAt,
                Subscriptions = [.. filters.Distinct(StringComparer.Ordinal).Select(f => new TopicDebugInfo(f, _received?.TryGetValue(f, out var q) == true ? [.. q] : []))],
                Published = [.. (_publishedOrder ?? []).Select(t => new TopicDebugInfo(t, [.. _published![t]]))],
            };
        }
    }

    private static void Add(Dictionary<string, Queue<DebugMessage>> messages, string key, DebugMessage message)
    {
        if (!messages.TryGetValue(key, out var queue))
        {
            messages[key] = queue = new Queue<DebugMessage>(EntityDebugInfo.MessagesPerTopic);
        }

        if (queue.Count == EntityDebugInfo.MessagesPerTopic)
        {
            queue.Dequeue();
        }

        queue.Enqueue(message);
    }
}
