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
                entry = new FilterEntry(filter, Topics.MatchingFilter(filter), qos);
                _byFilter[filter] = entry;
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

    /// <summary>Appends the entries whose filter matches <paramref name="topic"/>.</summary>
    public void Match(string topic, List<FilterEntry> results)
    {
        lock (_lock)
        {
            _trie.Match(topic, results);
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
    public FilterEntry(string filter, string matchFilter, Qos qos)
    {
        Filter = filter;
        MatchFilter = matchFilter;
        Qos = qos;
    }

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
