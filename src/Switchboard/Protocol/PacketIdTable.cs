using System.Numerics;

namespace Switchboard;

/// <summary>
/// The one packet-identifier table of a client, for every packet type that carries one: QoS 1/2 publishes (an
/// <see cref="OutgoingMessage"/>, which keeps its identifier across reconnects until the broker has acknowledged it,
/// so a kept session sees the resend with the same identifier), and SUBSCRIBE/UNSUBSCRIBE requests (a
/// <see cref="PendingRequest"/>, which ends with its connection). Identifiers are handed out round-robin, so one is
/// reused as late as possible.
/// </summary>
internal sealed class PacketIdTable
{
    /// <summary>Most publishes that may await acknowledgement at once (half the table: requests always find room).</summary>
    public const int MaxInflight = 0x4000;

    private readonly Lock _lock = new();
    private readonly object?[] _slots;
    private int _next;
    private int _count;

    /// <param name="inflightLimit">Most publishes awaiting acknowledgement at once (at most <see cref="MaxInflight"/>).</param>
    public PacketIdTable(int inflightLimit)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inflightLimit, MaxInflight);
        // Room for the window twice over, plus requests: a free identifier is almost always the next one.
        _slots = new object?[Math.Min(0x8000, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, 2 * inflightLimit + 64)))];
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Gives <paramref name="owner"/> a free packet identifier (1 … table size).</summary>
    public ushort Add(object owner)
    {
        lock (_lock)
        {
            if (_count >= _slots.Length)
            {
                throw new InvalidOperationException("No packet identifier is free; the window must not exceed the table.");
            }

            var mask = _slots.Length - 1;
            while (_slots[_next] is not null)
            {
                _next = (_next + 1) & mask;
            }

            var slot = _next;
            _slots[slot] = owner;
            _count++;
            _next = (slot + 1) & mask;
            return (ushort)(slot + 1);
        }
    }

    /// <summary>What holds <paramref name="packetId"/> now, or null.</summary>
    public object? Get(ushort packetId)
    {
        lock (_lock)
        {
            var slot = packetId - 1;
            return slot >= 0 && slot < _slots.Length ? _slots[slot] : null;
        }
    }

    /// <summary>Frees <paramref name="packetId"/> if <paramref name="owner"/> holds it; false when it did not.</summary>
    public bool Remove(ushort packetId, object owner)
    {
        lock (_lock)
        {
            var slot = packetId - 1;
            if (slot < 0 || slot >= _slots.Length || !ReferenceEquals(_slots[slot], owner))
            {
                return false;
            }

            _slots[slot] = null;
            _count--;
            return true;
        }
    }

    /// <summary>Frees every identifier whose owner matches <paramref name="predicate"/> (the requests of a lost
    /// connection; every publish when the session is gone for good).</summary>
    public List<object> RemoveAll(Func<object, bool> predicate)
    {
        var removed = new List<object>();
        lock (_lock)
        {
            for (var slot = 0; slot < _slots.Length; slot++)
            {
                if (_slots[slot] is { } owner && predicate(owner))
                {
                    _slots[slot] = null;
                    _count--;
                    removed.Add(owner);
                }
            }
        }

        return removed;
    }
}
