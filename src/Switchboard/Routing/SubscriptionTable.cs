namespace Switchboard;

/// <summary>
/// Every live subscription: filter → handlers, indexed by a <see cref="TopicTrie{T}"/> for matching. Knows which
/// filters the current broker session has confirmed, so a reconnect subscribes exactly what is missing.
/// </summary>
internal sealed class SubscriptionTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FilterEntry> _byFilter = new(StringComparer.Ordinal);
    private readonly TopicTrie<FilterEntry> _trie = new();
    private readonly Dictionary<int, FilterEntry> _byId = [];
    private int _nextId;
    private long _version;
    private ConnectionSession? _activeSession;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byFilter.Count;
            }
        }
    }

    /// <summary>Adds a handler. Returns the session to send SUBSCRIBE on now, or null when the next connect will.</summary>
    public HandlerRegistration Add(string filter, Qos qos, MessageHandler? handler, out ConnectionSession? subscribeOn)
    {
        lock (_lock)
        {
            if (!_byFilter.TryGetValue(filter, out var entry))
            {
                // MQTT 5 subscription identifiers run from 1 to 268,435,455; a client never needs to wrap around.
                entry = new FilterEntry(filter, Topics.MatchingFilter(filter), qos, ++_nextId);
                _byFilter[filter] = entry;
                _byId[entry.Id] = entry;
                _trie.Add(entry.MatchFilter, entry);
            }
            else if (qos > entry.Qos)
            {
                entry.Qos = qos;
                entry.Confirmed = false;
            }

            var registration = new HandlerRegistration(entry, handler);
            entry.Handlers = [.. entry.Handlers, registration];
            _version++;
            subscribeOn = !entry.Confirmed && _activeSession is { IsAlive: true } s ? s : null;
            return registration;
        }
    }

    /// <summary>Removes a handler. True when it was the filter's last, so the broker subscription should go.</summary>
    public bool Remove(HandlerRegistration registration, out ConnectionSession? unsubscribeOn)
    {
        lock (_lock)
        {
            unsubscribeOn = null;
            var entry = registration.Entry;
            var index = Array.IndexOf(entry.Handlers, registration);
            if (index < 0)
            {
                return false;
            }

            entry.Handlers = [.. entry.Handlers.Where(h => h != registration)];
            _version++;
            if (entry.Handlers.Length > 0)
            {
                return false;
            }

            _byFilter.Remove(entry.Filter);
            _byId.Remove(entry.Id);
            _trie.Remove(entry.MatchFilter, entry);
            unsubscribeOn = _activeSession is { IsAlive: true } s ? s : null;
            return true;
        }
    }

    public void MarkConfirmed(FilterEntry entry, Qos qos)
    {
        lock (_lock)
        {
            if (entry.Qos <= qos)
            {
                entry.Confirmed = true;
            }
        }
    }

    /// <summary>
    /// Appends the entries <paramref name="message"/> is for. A message that carries MQTT 5 subscription identifiers
    /// is a copy for exactly those subscriptions (a broker sends one copy per matching subscription, or one copy with
    /// every identifier): the identifiers decide, so each handler runs once per published message however many of
    /// the client's filters match. Without identifiers (3.1.1) every filter that matches the topic is used.
    /// </summary>
    public void Match(MqttMessage message, List<FilterEntry> results)
    {
        lock (_lock)
        {
            if (message.SubscriptionId == 0)
            {
                _trie.Match(message.Topic, results);
            }
            else if (message.SubscriptionIds is { } ids)
            {
                foreach (var id in ids)
                {
                    if (_byId.TryGetValue(id, out var entry) && !results.Contains(entry))
                    {
                        results.Add(entry);
                    }
                }
            }
            else if (_byId.TryGetValue(message.SubscriptionId, out var entry))
            {
                results.Add(entry);
            }
        }
    }

    /// <summary>Called for a new session: forgets confirmations the broker did not keep, returns what must be subscribed.</summary>
    public List<FilterEntry> BeginSession(bool sessionPresent)
    {
        lock (_lock)
        {
            _activeSession = null;
            if (!sessionPresent)
            {
                foreach (var entry in _byFilter.Values)
                {
                    entry.Confirmed = false;
                }
            }

            return Unconfirmed();
        }
    }

    /// <summary>Makes the session active unless subscriptions changed meanwhile; then returns what still needs subscribing.</summary>
    public bool TryActivate(ConnectionSession session, long seenVersion, out List<FilterEntry> pending, out long version)
    {
        lock (_lock)
        {
            version = _version;
            pending = Unconfirmed();
            if (version != seenVersion || pending.Count > 0)
            {
                return false;
            }

            _activeSession = session;
            return true;
        }
    }

    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    private List<FilterEntry> Unconfirmed() => [.. _byFilter.Values.Where(e => !e.Confirmed)];
}

/// <summary>One filter as subscribed at the broker, with its handlers (an immutable array, swapped on change).</summary>
internal sealed class FilterEntry
{
    public FilterEntry(string filter, string matchFilter, Qos qos, int id)
    {
        Id = id;
        Filter = filter;
        MatchFilter = matchFilter;
        Qos = qos;
    }

    /// <summary>The MQTT 5 subscription identifier this filter is subscribed with.</summary>
    public int Id { get; }

    public string Filter { get; }

    public string MatchFilter { get; }

    public Qos Qos { get; set; }

    public bool Confirmed { get; set; }

    public HandlerRegistration[] Handlers { get; set; } = [];
}

/// <summary>One handler on one filter; what a <see cref="Subscription"/> removes when disposed.</summary>
internal sealed class HandlerRegistration
{
    public HandlerRegistration(FilterEntry entry, MessageHandler? handler)
    {
        Entry = entry;
        Handler = handler;
    }

    public FilterEntry Entry { get; }

    /// <summary>Null for internal subscriptions (request inboxes) whose messages are taken before dispatch.</summary>
    public MessageHandler? Handler { get; }
}
