namespace Switchboard;

/// <summary>
/// The bounded queue between callers and the publish pump. Full-mode is the <see cref="OverflowPolicy"/>; dropped
/// messages are failed and counted outside the lock. Messages returned from an interrupted connection go back to
/// the front, in acceptance order, regardless of capacity: they were already accepted. Under the wait policy a slot
/// that frees up is handed to the longest-waiting writer (reserved for it), so neither <c>Post</c> nor a newer writer
/// can take it first: waiting writers are served in order and never starve.
/// </summary>
internal sealed class OutgoingQueue
{
    // Longer than the gaps inside a burst of publishes, far shorter than those of a sensor or a request stream.
    private static readonly TimeSpan IdleBeforeInlineWake = TimeSpan.FromMicroseconds(200);

    private readonly Lock _lock = new();
    private readonly MessageDeque _items = new();
    private readonly Queue<TaskCompletionSource> _waitingWriters = new();
    private readonly int _capacity;
    private readonly OverflowPolicy _policy;
    private readonly Action<OutgoingMessage> _onDropped;
    private readonly DurableOutbox? _outbox;
    private readonly ReaderWakeup _reader;
    private long _sequence;
    private Func<Exception>? _closedError;

    // Slots handed to woken writers that have not yet enqueued: they count as taken.
    private int _reserved;

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

    public OverflowPolicy Policy => _policy;

    /// <summary>Accepts without waiting. False when the policy refused it (drop-newest, or wait-mode when full).</summary>
    public bool TryEnqueue(OutgoingMessage message)
    {
        OutgoingMessage? evicted = null;
        ReaderWakeup.Parked reader;
        lock (_lock)
        {
            ThrowIfClosed();
            var full = _items.Count + _reserved >= _capacity;
            if (full && _policy != OverflowPolicy.DropOldest)
            {
                return false;
            }

            // Written before anything changes: if the disk refuses, the message is simply not accepted.
            AppendDurable(message);
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

    /// <summary>Accepts, waiting for room when the policy is <see cref="OverflowPolicy.Wait"/>.</summary>
    public async ValueTask<bool> EnqueueAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (_policy != OverflowPolicy.Wait)
        {
            return TryEnqueue(message);
        }

        TaskCompletionSource waiter;
        bool roomNow;
        lock (_lock)
        {
            ThrowIfClosed();
            if (_waitingWriters.Count == 0 && _items.Count + _reserved < _capacity)
            {
                EnqueueLocked(message);
                waiter = null!;
                roomNow = true;
            }
            else
            {
                // Behind whoever waits already. If there is room (the writers ahead were cancelled), hand it out now.
                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waitingWriters.Enqueue(waiter);
                roomNow = false;
            }
        }

        if (roomNow)
        {
            WakeReader();
            return true;
        }

        WakeWriter();
        try
        {
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Mark this waiter dead so WakeWriter skips it; if a slot was already handed to it, pass it on, or a live
            // writer would wait for room that exists.
            if (!waiter.TrySetCanceled(cancellationToken))
            {
                ReleaseReservation();
                WakeWriter();
            }

            throw;
        }

        // Woken: a slot is reserved for this writer (unless the queue was closed meanwhile).
        try
        {
            lock (_lock)
            {
                ThrowIfClosed();
                _reserved--;
                EnqueueLocked(message);
            }
        }
        catch (Exception)
        {
            // Not accepted (closed, or the disk refused it): the slot goes to the next writer.
            WakeWriter();
            throw;
        }

        WakeReader();
        return true;
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
        lock (_lock)
        {
            if (!_items.TryRemoveFirst(out message))
            {
                return false;
            }
        }

        WakeWriter();
        return true;
    }

    /// <summary>Hands a free slot, if there is one, to the first writer still waiting (cancelled ones are skipped).</summary>
    private void WakeWriter()
    {
        while (true)
        {
            TaskCompletionSource? writer = null;
            lock (_lock)
            {
                if (_closedError is not null || _items.Count + _reserved >= _capacity)
                {
                    return;
                }

                while (_waitingWriters.TryDequeue(out var candidate))
                {
                    if (!candidate.Task.IsCompleted)
                    {
                        writer = candidate;
                        _reserved++;
                        break;
                    }
                }
            }

            if (writer is null || writer.TrySetResult())
            {
                return;
            }

            // That writer was cancelled in the meantime: take its reservation back and try the next one.
            ReleaseReservation();
        }
    }

    private void EnqueueLocked(OutgoingMessage message)
    {
        AppendDurable(message);
        AddLocked(message);
    }

    private void AppendDurable(OutgoingMessage message)
    {
        if (message.Durable)
        {
            _outbox?.Append(message);
        }
    }

    private void AddLocked(OutgoingMessage message)
    {
        message.Sequence = ++_sequence;
        _items.AddLast(message);
    }

    private void ReleaseReservation()
    {
        lock (_lock)
        {
            if (_reserved > 0)
            {
                _reserved--;
            }
        }
    }

    private void WakeReader()
    {
        ReaderWakeup.Parked reader;
        lock (_lock)
        {
            reader = _reader.Take();
        }

        ReaderWakeup.Wake(reader);
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
        TaskCompletionSource[] writers;
        lock (_lock)
        {
            _closedError ??= error;
            remaining = _items.ToList();
            _items.Clear();
            writers = [.. _waitingWriters];
            _waitingWriters.Clear();
            _reserved = 0;
        }

        foreach (var writer in writers)
        {
            writer.TrySetResult();
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
}
