namespace Switchboard;

/// <summary>
/// The QoS ≥ 1 send window of one session. A full window is reopened only when half of it has been acknowledged:
/// the pump then wakes once per half-window instead of once per acknowledgement, and sends the freed slots as one
/// corked batch (one socket write) rather than one packet at a time.
/// </summary>
internal sealed class InflightWindow
{
    private readonly Lock _lock = new();
    private readonly int _limit;
    private readonly int _reopenAt;
    private int _used;
    private TaskCompletionSource? _waiter;

    public InflightWindow(int limit)
    {
        _limit = limit;
        _reopenAt = Math.Max(0, (limit / 2) - 1);
    }

    public bool IsFull
    {
        get
        {
            lock (_lock)
            {
                return _used >= _limit;
            }
        }
    }

    /// <summary>Takes a slot, waiting (until half the window is free) when none is left.</summary>
    public ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_used < _limit)
            {
                _used++;
                return ValueTask.CompletedTask;
            }

            waiter = _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return AcquireSlowAsync(waiter, cancellationToken);
    }

    public void Release()
    {
        TaskCompletionSource? wake = null;
        lock (_lock)
        {
            _used--;
            if (_waiter is not null && _used <= _reopenAt)
            {
                wake = _waiter;
                _waiter = null;
            }
        }

        wake?.TrySetResult();
    }

    private async ValueTask AcquireSlowAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await AcquireAsync(cancellationToken).ConfigureAwait(false);
    }
}
