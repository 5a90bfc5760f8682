using System.Numerics;

namespace Switchboard;

/// <summary>
/// The QoS 1 publishes one session wrote itself, by packet identifier, completed from the receive path when their
/// PUBACK arrives. Our identifiers are taken from the upper half of the range (from <see cref="FirstId"/>); MQTTnet
/// counts its own (subscribes, unsubscribes, QoS 2) up from 1, so the two do not meet in practice.
/// </summary>
internal sealed class PacketIdTable : IPublishAcknowledgements
{
    public const ushort FirstId = 0x8000;

    /// <summary>Most publishes one table can hold: one slot is always left free so allocation never searches in vain.</summary>
    public const int MaxInflight = 0x8000 - 1;

    public delegate void AcknowledgedHandler(OutgoingMessage message, byte reasonCode, ReadOnlySpan<byte> properties);

    private readonly Lock _lock = new();
    private readonly OutgoingMessage?[] _slots;
    private readonly AcknowledgedHandler _onAcknowledged;
    private int _next;
    private int _count;
    private bool _closed;

    /// <param name="inflightLimit">Most publishes awaiting acknowledgement at once (at most <see cref="MaxInflight"/>).</param>
    /// <param name="onAcknowledged">Called, outside the table's lock, for each acknowledged publish.</param>
    public PacketIdTable(int inflightLimit, AcknowledgedHandler onAcknowledged)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inflightLimit, MaxInflight);
        // Twice the window: a free identifier is usually the next one, so identifiers are reused as late as possible.
        _slots = new OutgoingMessage?[Math.Min(0x8000, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, 2 * inflightLimit)))];
        _onAcknowledged = onAcknowledged;
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

    /// <summary>Gives <paramref name="message"/> a free packet identifier.</summary>
    public ushort Add(OutgoingMessage message)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_count >= Math.Min(_slots.Length - 1, MaxInflight))
            {
                throw new InvalidOperationException("No packet identifier is free; the window must not exceed the table.");
            }

            var mask = _slots.Length - 1;
            while (_slots[_next] is not null)
            {
                _next = (_next + 1) & mask;
            }

            var slot = _next;
            _slots[slot] = message;
            _count++;
            _next = (slot + 1) & mask;
            return (ushort)(FirstId + slot);
        }
    }

    /// <summary>Frees the identifier of a publish that was never written.</summary>
    public void Remove(ushort packetId)
    {
        lock (_lock)
        {
            var slot = packetId - FirstId;
            if (slot >= 0 && slot < _slots.Length && _slots[slot] is not null)
            {
                _slots[slot] = null;
                _count--;
            }
        }
    }

    /// <summary>Stops completing: the session is over and what is left is resent on the next one.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            Array.Clear(_slots);
            _count = 0;
        }
    }

    public bool TryAcknowledge(ushort packetId, byte reasonCode, ReadOnlySpan<byte> properties)
    {
        OutgoingMessage? message;
        lock (_lock)
        {
            var slot = packetId - FirstId;
            if (slot < 0)
            {
                // One of MQTTnet's.
                return false;
            }

            if (slot >= _slots.Length || _slots[slot] is not { } found)
            {
                // Ours, but late (the session closed) or repeated: nothing waits for it, and MQTTnet would not know it.
                return true;
            }

            message = found;
            _slots[slot] = null;
            _count--;
        }

        _onAcknowledged(message, reasonCode, properties);
        return true;
    }
}
