namespace Switchboard;

/// <summary>
/// The bounded queue between callers and the publish pump. Full-mode is the <see cref="OverflowPolicy"/>; dropped
/// messages are failed and counted outside the lock. Messages returned from an interrupted connection go back to
/// the front, in acceptance order, regardless of capacity: they were already accepted. Under the wait policy writers
/// wait in one line, in arrival order, and a slot that frees up is filled with the message of the longest-waiting one
/// in the same lock section that freed it; a newer writer queues behind the line and <c>Post</c> is refused while
/// the line is not empty. So nothing accepted later goes ahead of a waiting message, and waiters never starve.
/// Invariant: writers wait only while the queue is full.
/// </summary>
internal sealed class OutgoingQueue
{
    // Longer than the gaps inside a burst of publishes, far shorter than those of a sensor or a request stream.
    private static readonly TimeSpan IdleBeforeInlineWake = TimeSpan.FromMicroseconds(200);

    private readonly Lock _lock = new();
    private readonly MessageDeque _items = new();
    private readonly LinkedList<WaitingWriter> _waiting = new();
    private readonly int _capacity;
    private readonly OverflowPolicy _policy;
    private readonly Action<OutgoingMessage> _onDropped;
    private readonly DurableOutbox? _outbox;
    private readonly ReaderWakeup _reader;
    private long _sequence;
    private Func<Exception>? _closedError;

    /// <param name="capacity">Most messages queued (messages put back after a lost connection may exceed it).</param>
    /// <param name="policy">What a full queue does.</param>
    /// <param name="onDropped">Called outside the lock for each message evicted by <see cref="OverflowPolicy.DropOldest"/>.</param>
    /// <param name="outbox">Where durable messages are written on acceptance.</param>
    /// <param name="time">Clock that lets a long-idle pump be resumed on the writer's thread; null never does.</param>
    public OutgoingQueue(int capacity, OverflowPolicy policy, Action<OutgoingMessage> onDropped, DurableOutbox? outbox = null, TimeProvider? time = null)
    {
        _reader = new ReaderWakeup(time, IdleBeforeInlineWake);
        _outbox = outbox;
        _capacity = capacity;
        _policy = policy;
        _onDropped = onDropped;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public int Capacity => _capacity;

    /// <summary>
    /// Set by the publish pump: true while no message awaits the broker's acknowledgement. An awaited publish that
    /// finds the pump parked and nothing in flight resumes it on the caller's thread at once, however recently it
    /// parked: a caller that awaits each publish is not in a burst, and its message then costs no thread hop (a QoS 0
    /// publish completes before <c>PublishAsync</c> returns). With messages in flight the pump is woken on the thread
    /// pool as before, so a window of outstanding publishes keeps gathering into batches.
    /// </summary>
    public Func<bool>? NothingInFlight { get; set; }

    public OverflowPolicy Policy => _policy;

    /// <summary>
    /// Accepts without waiting (<c>Post</c>). False when the policy refused it: drop-newest when full; wait when full
    /// or while any writer waits for room, since a message that arrives after a waiting one must not go ahead of it.
    /// </summary>
    public bool TryEnqueue(OutgoingMessage message)
    {
        OutgoingMessage? evicted = null;
        ReaderWakeup.Parked reader;

        // Written before the message can be accepted, and outside the queue's lock (the disk must not hold up the pump
        // or other writers): if the disk refuses, the message is simply not accepted.
        var durable = AppendDurable(message);
        lock (_lock)
        {
            if (_closedError is not null || _waiting.Count > 0 || (_items.Count >= _capacity && _policy != OverflowPolicy.DropOldest))
            {
                // Refused: its put record is cancelled by an ack record (or, when closed, the caller gets the error).
                if (durable)
                {
                    _outbox!.Remove(message);
                }

                ThrowIfClosed();
                return false;
            }

            var full = _items.Count >= _capacity;
            if (full)
            {
                _items.TryRemoveFirst(out evicted);
            }

            AddLocked(message);
            reader = _reader.Take();
        }

        ReaderWakeup.Wake(reader);
        if (evicted is not null)
        {
            _onDropped(evicted);
        }

        return true;
    }

    /// <summary>
    /// Accepts, waiting for room when the policy is <see cref="OverflowPolicy.Wait"/>: behind every writer already
    /// waiting, and queued by whoever frees the slot, so nothing can come between. True once accepted (even if the
    /// token fired after that); cancellation before that throws and leaves nothing queued.
    /// </summary>
    public async ValueTask<bool> EnqueueAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (_policy != OverflowPolicy.Wait)
        {
            return TryEnqueue(message);
        }

        WaitingWriter waiter;
        ReaderWakeup.Parked reader;

        // Durable before it waits or is queued, outside the queue's lock; withdrawn if it is never accepted.
        var durable = AppendDurable(message);
        lock (_lock)
        {
            if (_closedError is not null && durable)
            {
                _outbox!.Remove(message);
            }

            ThrowIfClosed();
            if (_waiting.Count == 0 && _items.Count < _capacity)
            {
                AddLocked(message);
                reader = _reader.Take(preferInline: _items.Count == 1 && message.Completion is not null && (message.Qos == Qos.AtMostOnce || NothingInFlight?.Invoke() == true));
                waiter = null!;
            }
            else
            {
                cancellationToken.ThrowIfCancellationRequested();
                waiter = new WaitingWriter(message);
                waiter.Node = _waiting.AddLast(waiter);
                reader = default;
            }
        }

        if (waiter is null)
        {
            ReaderWakeup.Wake(reader);
            return true;
        }

        try
        {
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_lock)
            {
                // Still waiting: it leaves the line and was never accepted. Otherwise it was already given a slot (or
                // refused by a closing queue), and that outcome, about to be signalled, stands.
                if (waiter.Node.List is not null)
                {
                    _waiting.Remove(waiter.Node);
                    if (durable)
                    {
                        _outbox!.Remove(message);
                    }

                    throw;
                }
            }
        }

        // Accepted (true), or failed with the closed queue's or the disk's error.
        return await waiter.Task.ConfigureAwait(false);
    }

    /// <summary>Queues messages recovered from the durable outbox ahead of everything, ignoring capacity.</summary>
    public void Restore(IReadOnlyList<OutgoingMessage> recovered)
    {
        lock (_lock)
        {
            foreach (var message in recovered)
            {
                message.Sequence = ++_sequence;
            }

            _items.InsertAtFront(recovered);
        }
    }

    /// <summary>Puts a message at the front, ignoring capacity: for the client's own health announcements.</summary>
    public void EnqueueUrgent(OutgoingMessage message)
    {
        ReaderWakeup.Parked reader;
        lock (_lock)
        {
            ThrowIfClosed();
            message.Sequence = ++_sequence;
            _items.AddFirst(message);
            reader = _reader.Take();
        }

        ReaderWakeup.Wake(reader);
    }

    /// <summary>Puts messages back at the front, ordered by acceptance, ahead of everything queued since.</summary>
    public void Requeue(IEnumerable<OutgoingMessage> messages)
    {
        ReaderWakeup.Parked reader;
        lock (_lock)
        {
            _items.InsertBySequence(messages.OrderBy(m => m.Sequence));

            reader = _reader.Take();
        }

        ReaderWakeup.Wake(reader);
    }

    public bool TryDequeue(out OutgoingMessage message)
    {
        List<(WaitingWriter Writer, Exception? Error)>? admitted = null;
        lock (_lock)
        {
            if (!_items.TryRemoveFirst(out message))
            {
                return false;
            }

            AdmitWaitingLocked(ref admitted);
        }

        Signal(admitted);
        return true;
    }

    /// <summary>
    /// Queues the messages of the longest-waiting writers while there is room, in the same lock section that freed
    /// it, so no newer writer or <c>Post</c> can take the slot first. Their callers are told afterwards, outside it.
    /// </summary>
    private void AdmitWaitingLocked(ref List<(WaitingWriter Writer, Exception? Error)>? admitted)
    {
        while (_closedError is null && _items.Count < _capacity && _waiting.First is { } first)
        {
            // Its put record was written before it started waiting: no disk I/O here, under the lock.
            _waiting.RemoveFirst();
            AddLocked(first.Value.Message);
            (admitted ??= []).Add((first.Value, null));
        }
    }

    private static void Signal(List<(WaitingWriter Writer, Exception? Error)>? admitted)
    {
        if (admitted is null)
        {
            return;
        }

        foreach (var (writer, error) in admitted)
        {
            if (error is null)
            {
                writer.TrySetResult(true);
            }
            else
            {
                writer.TrySetException(error);
            }
        }
    }

    // Called outside the queue's lock; true when a put record was written (and must be withdrawn if not accepted).
    private bool AppendDurable(OutgoingMessage message)
    {
        if (!message.Durable || _outbox is null)
        {
            return false;
        }

        _outbox.Append(message);
        return true;
    }

    private void AddLocked(OutgoingMessage message)
    {
        message.Sequence = ++_sequence;
        _items.AddLast(message);
    }

    /// <summary>True once after <see cref="WaitToReadAsync"/> completed on a writer's thread (see <see cref="ReaderWakeup"/>);
    /// call right after the wait, on the thread it resumed on.</summary>
    public bool TakeResumedInline() => _reader.TakeResumedInline();

    /// <summary>Completes when there is something to dequeue (or the token fires).</summary>
    public Task WaitToReadAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_items.Count > 0)
            {
                return Task.CompletedTask;
            }

            return _reader.Park(cancellationToken);
        }
    }

    /// <summary>Refuses further messages (each refusal throws a fresh exception from <paramref name="error"/>) and
    /// returns everything still queued, for the caller to fail or persist.</summary>
    public List<OutgoingMessage> Close(Func<Exception> error)
    {
        List<OutgoingMessage> remaining;
        WaitingWriter[] writers;
        Func<Exception> refusal;
        lock (_lock)
        {
            _closedError ??= error;
            refusal = _closedError;
            remaining = _items.ToList();
            _items.Clear();
            writers = [.. _waiting];
            _waiting.Clear();
        }

        // Each waiting writer learns the queue is closed instead of hanging; its message was never accepted.
        foreach (var writer in writers)
        {
            writer.TrySetException(refusal());
        }

        return remaining;
    }

    private void ThrowIfClosed()
    {
        if (_closedError is not null)
        {
            throw _closedError();
        }
    }

    /// <summary>A writer waiting for room, with its message; completed (true, or the refusal) once it is decided.</summary>
    private sealed class WaitingWriter(OutgoingMessage message) : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public OutgoingMessage Message { get; } = message;

        /// <summary>Its place in the line; detached (<c>List</c> null) once it has been given a slot or refused.</summary>
        public LinkedListNode<WaitingWriter> Node { get; set; } = null!;
    }
}
