namespace Switchboard.Dashboard.Traffic;

/// <summary>
/// What the traffic page shows: every topic seen (bounded, least recently seen evicted first), the last messages
/// (a bounded ring), and messages per second. <see cref="Record"/> runs on the client's receive path, so it only
/// copies the first bytes of the payload under a short lock; formatting happens when a page asks.
/// </summary>
internal sealed class TrafficMonitor
{
    /// <summary>Evicted topics remembered for pages that catch up; a page further behind takes a full snapshot.</summary>
    private const int EvictionMemory = 4_096;

    /// <summary>Seconds of rate history kept for the chart.</summary>
    public const int RateHistory = 120;

    private readonly int _maxTopics;
    private readonly int _maxPayload;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<TopicEntry>> _topics = new(StringComparer.Ordinal);
    private readonly LinkedList<TopicEntry> _recency = new();
    private readonly Queue<(long Version, string Topic)> _evictions = new();
    private readonly StreamEntry?[] _stream;
    private readonly Queue<RatePoint> _rates = new();
    private long _version;
    private long _oldestForgottenEviction;
    private long _seq;
    private long _topicsEvicted;
    private long _lastSampledSeq;

    public TrafficMonitor(int maxTopics, int maxStreamMessages, int maxPayloadBytes)
    {
        _maxTopics = maxTopics;
        _maxPayload = maxPayloadBytes;
        _stream = new StreamEntry?[maxStreamMessages];
    }

    /// <summary>Messages seen in all.</summary>
    public long Total => Volatile.Read(ref _seq);

    /// <summary>Topics evicted from the tree so far.</summary>
    public long TopicsEvicted => Volatile.Read(ref _topicsEvicted);

    /// <summary>Messages that have left the stream's ring so far.</summary>
    public long StreamEvicted => Math.Max(0, Total - _stream.Length);

    /// <summary>Topics in the tree now.</summary>
    public int TopicCount
    {
        get
        {
            lock (_gate)
            {
                return _topics.Count;
            }
        }
    }

    /// <summary>Takes one message into the tree, the stream and the rate.</summary>
    public void Record(MqttMessage message, DateTimeOffset now)
    {
        var payload = message.Payload.Span;
        var kept = payload.Length <= _maxPayload ? payload.ToArray() : payload[.._maxPayload].ToArray();
        var qos = (int)message.Qos;
        lock (_gate)
        {
            var version = ++_version;
            if (_topics.TryGetValue(message.Topic, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
            }
            else
            {
                if (_topics.Count >= _maxTopics)
                {
                    Evict(version);
                }

                node = _recency.AddFirst(new TopicEntry(message.Topic));
                _topics.Add(message.Topic, node);
            }

            var entry = node.Value;
            entry.Count++;
            entry.Version = version;
            entry.Qos = qos;
            entry.Payload = kept;
            entry.Size = payload.Length;
            entry.LastAt = now;

            // A retained delivery means the broker holds this topic's value; an empty retained payload clears it.
            // Live messages do not say whether they were published retained (no retain-as-published), so they keep
            // what the topic had.
            if (message.Retain)
            {
                entry.Retained = payload.Length > 0;
            }

            var seq = ++_seq;
            _stream[(int)((seq - 1) % _stream.Length)] = new StreamEntry(seq, message.Topic, qos, message.Retain, kept, payload.Length, now);
        }
    }

    private void Evict(long version)
    {
        var oldest = _recency.Last!;
        _recency.RemoveLast();
        _topics.Remove(oldest.Value.Topic);
        _evictions.Enqueue((version, oldest.Value.Topic));
        if (_evictions.Count > EvictionMemory)
        {
            _oldestForgottenEviction = _evictions.Dequeue().Version;
        }

        Interlocked.Increment(ref _topicsEvicted);
    }

    /// <summary>Appends the messages counted since the last sample as one rate point (called once a second).</summary>
    public RatePoint Sample(DateTimeOffset now)
    {
        var total = Total;
        var point = new RatePoint(now, total - _lastSampledSeq);
        _lastSampledSeq = total;
        lock (_gate)
        {
            _rates.Enqueue(point);
            if (_rates.Count > RateHistory)
            {
                _rates.Dequeue();
            }
        }

        return point;
    }

    /// <summary>The rate points after <paramref name="since"/> (all of them for <see cref="DateTimeOffset.MinValue"/>).</summary>
    public IReadOnlyList<RatePoint> RatesSince(DateTimeOffset since)
    {
        lock (_gate)
        {
            return [.. _rates.Where(p => p.At > since)];
        }
    }

    /// <summary>
    /// The topics changed after <paramref name="sinceVersion"/> and those evicted since; the Full flag is
    /// true when the page was too far behind to be told about evictions (or asked from 0): then the rows are every
    /// topic, and it must drop what it had.
    /// </summary>
    public (IReadOnlyList<TopicRow> Rows, IReadOnlyList<string> Removed, bool Full, long Version) TopicsSince(long sinceVersion)
    {
        List<(TopicEntry Entry, byte[] Payload)> changed = [];
        List<string> removed = [];
        bool full;
        long version;
        lock (_gate)
        {
            version = _version;
            full = sinceVersion == 0 || sinceVersion < _oldestForgottenEviction;
            foreach (var node in _topics.Values)
            {
                if (full || node.Value.Version > sinceVersion)
                {
                    changed.Add((node.Value.Snapshot(), node.Value.Payload));
                }
            }

            if (!full)
            {
                foreach (var (evictedAt, topic) in _evictions)
                {
                    if (evictedAt > sinceVersion && !_topics.ContainsKey(topic))
                    {
                        removed.Add(topic);
                    }
                }
            }
        }

        var rows = new TopicRow[changed.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var (e, payload) = changed[i];
            var (kind, text) = PayloadPreview.Format(payload, e.Size);
            rows[i] = new TopicRow(e.Topic, e.Count, e.Retained, e.Qos, kind, text, e.Size, e.LastAt);
        }

        return (rows, removed, full, version);
    }

    /// <summary>The messages after <paramref name="sinceSeq"/> still in the ring, oldest first.</summary>
    public (IReadOnlyList<StreamRow> Rows, long Seq) StreamSince(long sinceSeq)
    {
        List<StreamEntry> entries = [];
        long seq;
        lock (_gate)
        {
            seq = _seq;
            var first = Math.Max(sinceSeq + 1, seq - _stream.Length + 1);
            for (var s = first; s <= seq; s++)
            {
                entries.Add(_stream[(int)((s - 1) % _stream.Length)]!);
            }
        }

        var rows = new StreamRow[entries.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var e = entries[i];
            var (kind, text) = PayloadPreview.Format(e.Payload, e.Size);
            rows[i] = new StreamRow(e.Seq, e.Topic, e.Qos, e.Retained, kind, text, e.Size, e.At);
        }

        return (rows, seq);
    }

    private sealed class TopicEntry(string topic)
    {
        public string Topic { get; } = topic;

        public long Count { get; set; }

        public long Version { get; set; }

        public int Qos { get; set; }

        public bool Retained { get; set; }

        public byte[] Payload { get; set; } = [];

        public int Size { get; set; }

        public DateTimeOffset LastAt { get; set; }

        public TopicEntry Snapshot() => (TopicEntry)MemberwiseClone();
    }

    private sealed record StreamEntry(long Seq, string Topic, int Qos, bool Retained, byte[] Payload, int Size, DateTimeOffset At);
}
