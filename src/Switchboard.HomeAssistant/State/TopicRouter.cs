using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.HomeAssistant.State;

/// <summary>An entity waiting for messages on one of its topics.</summary>
internal readonly record struct TopicListener(HomeAssistantEntity Entity, TopicBinding Binding);

/// <summary>The last message seen on a topic, replayed to entities that start listening later.</summary>
internal readonly record struct CachedMessage(string Topic, ReadOnlyMemory<byte> Payload);

/// <summary>
/// Which entities listen to which topic filter, with one broker subscription per filter however many entities share it
/// (a Zigbee2MQTT device's entities all read <c>zigbee2mqtt/&lt;device&gt;</c>; every entity reads
/// <c>zigbee2mqtt/bridge/state</c>). Because a second handler on a filter that is already subscribed does not get the
/// broker's retained message again, the router remembers the last message per (wildcard-free) filter and replays it to
/// late listeners. Not thread-safe: the registry uses it under its lock; subscribing is done by the registry's worker.
/// </summary>
internal sealed class TopicRouter
{
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    public int Count => _slots.Count;

    /// <summary>Adds a listener. Returns true when the filter has no broker subscription yet (reconcile it), and the
    /// cached message to replay, if any.</summary>
    public bool Add(TopicListener listener, out CachedMessage? cached)
    {
        var filter = listener.Binding.Topic;
        if (!_slots.TryGetValue(filter, out var slot))
        {
            slot = new Slot(filter);
            _slots[filter] = slot;
        }

        slot.Listeners.Add(listener);
        cached = slot.Last;
        return slot.Subscription is null && !slot.Subscribing;
    }

    /// <summary>Removes a listener. Returns true when the filter has no listeners left (reconcile it).</summary>
    public bool Remove(TopicListener listener)
    {
        var filter = listener.Binding.Topic;
        return _slots.TryGetValue(filter, out var slot) && slot.Listeners.Remove(listener) && slot.Listeners.Count == 0;
    }

    public Slot? Get(string filter) => _slots.TryGetValue(filter, out var slot) ? slot : null;

    public void Drop(Slot slot) => _slots.Remove(slot.Filter);

    public IReadOnlyList<Slot> All() => [.. _slots.Values];

    /// <summary>One filter: its listeners, its broker subscription, and the last message.</summary>
    internal sealed class Slot(string filter)
    {
        public string Filter { get; } = filter;

        public HashSet<TopicListener> Listeners { get; } = [];

        public Subscription? Subscription { get; set; }

        /// <summary>The worker is subscribing right now.</summary>
        public bool Subscribing { get; set; }

        public CachedMessage? Last { get; private set; }

        public void Remember(string topic, ReadOnlyMemory<byte> payload)
        {
            if (!TopicRules.HasWildcard(Filter))
            {
                Last = new CachedMessage(topic, payload);
            }
        }
    }
}
