namespace Switchboard.Reliability;

/// <summary>
/// What a subscriber saw of a numbered stream: each sequence number's first arrival, repeats, and arrivals that came
/// after a higher number had already been seen for the first time (reorderings). Thread-safe.
/// </summary>
/// <remarks>
/// Memory stays bounded by the gap, not the stream: numbers below <c>_floor</c> (every one of them seen) are not kept
/// one by one, so a soak of millions of messages holds only what is still out of order or missing.
/// </remarks>
public sealed class StreamTally
{
    private readonly Lock _lock = new();
    private readonly HashSet<long> _seen = [];
    private long _floor;
    private long _highest = -1;
    private long _lastArrivalTicks;

    public int Unique
    {
        get
        {
            lock (_lock)
            {
                return (int)(_floor + _seen.Count);
            }
        }
    }

    public long Duplicates { get; private set; }

    public long Reorderings { get; private set; }

    /// <summary>When the last message arrived (<see cref="TimeProvider.GetTimestamp"/> of the system clock).</summary>
    public long LastArrivalTimestamp => Volatile.Read(ref _lastArrivalTicks);

    public void Record(long sequence)
    {
        lock (_lock)
        {
            Volatile.Write(ref _lastArrivalTicks, TimeProvider.System.GetTimestamp());
            if (sequence < _floor || !_seen.Add(sequence))
            {
                Duplicates++;
                return;
            }

            while (_seen.Remove(_floor))
            {
                _floor++;
            }

            if (sequence < _highest)
            {
                Reorderings++;
            }
            else
            {
                _highest = sequence;
            }
        }
    }

    public bool Has(long sequence)
    {
        lock (_lock)
        {
            return sequence < _floor || _seen.Contains(sequence);
        }
    }

    /// <summary>Sequence numbers in [0, count) never seen.</summary>
    public List<long> Missing(long count)
    {
        lock (_lock)
        {
            var missing = new List<long>();
            for (var i = _floor; i < count; i++)
            {
                if (!_seen.Contains(i))
                {
                    missing.Add(i);
                }
            }

            return missing;
        }
    }
}
