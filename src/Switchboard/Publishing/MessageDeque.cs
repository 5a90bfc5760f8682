namespace Switchboard;

/// <summary>
/// The storage of the <see cref="OutgoingQueue"/>: a growable ring of messages, taken from the front, added at either
/// end. Unlike a linked list it allocates nothing per message once it has grown to the queue's working size. Not
/// thread-safe: the queue's lock guards it.
/// </summary>
internal sealed class MessageDeque
{
    private OutgoingMessage[] _ring = new OutgoingMessage[16];
    private int _head;

    public int Count { get; private set; }

    public void AddLast(OutgoingMessage message)
    {
        GrowIfFull();
        _ring[(_head + Count) % _ring.Length] = message;
        Count++;
    }

    public void AddFirst(OutgoingMessage message)
    {
        GrowIfFull();
        _head = (_head - 1 + _ring.Length) % _ring.Length;
        _ring[_head] = message;
        Count++;
    }

    public bool TryRemoveFirst(out OutgoingMessage message)
    {
        if (Count == 0)
        {
            message = null!;
            return false;
        }

        message = _ring[_head];
        _ring[_head] = null!;
        _head = (_head + 1) % _ring.Length;
        Count--;
        return true;
    }

    /// <summary>
    /// Inserts <paramref name="messages"/> (in the order given) each before the first queued message with a higher
    /// sequence number: unacknowledged messages go back ahead of what was accepted after them.
    /// </summary>
    public void InsertBySequence(IEnumerable<OutgoingMessage> messages)
    {
        var queued = ToList();
        var merged = new List<OutgoingMessage>(queued.Count + 16);
        var next = 0;
        foreach (var message in messages)
        {
            while (next < queued.Count && queued[next].Sequence < message.Sequence)
            {
                merged.Add(queued[next++]);
            }

            merged.Add(message);
        }

        merged.AddRange(queued.Skip(next));
        Replace(merged);
    }

    /// <summary>Inserts <paramref name="messages"/>, in the order given, ahead of everything queued.</summary>
    public void InsertAtFront(IEnumerable<OutgoingMessage> messages)
    {
        var merged = messages.ToList();
        merged.AddRange(ToList());
        Replace(merged);
    }

    /// <summary>The messages front to back.</summary>
    public List<OutgoingMessage> ToList()
    {
        var list = new List<OutgoingMessage>(Count);
        for (var i = 0; i < Count; i++)
        {
            list.Add(_ring[(_head + i) % _ring.Length]);
        }

        return list;
    }

    public void Clear()
    {
        Array.Clear(_ring);
        _head = 0;
        Count = 0;
    }

    private void Replace(List<OutgoingMessage> messages)
    {
        Clear();
        foreach (var message in messages)
        {
            AddLast(message);
        }
    }

    private void GrowIfFull()
    {
        if (Count < _ring.Length)
        {
            return;
        }

        var grown = new OutgoingMessage[_ring.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            grown[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = grown;
        _head = 0;
    }
}
