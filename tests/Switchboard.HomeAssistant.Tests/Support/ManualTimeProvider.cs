namespace Switchboard.HomeAssistant.Tests.Support;

/// <summary>
/// A clock that moves only when a test says so: <see cref="Advance"/> moves it and runs the callbacks of the timers
/// that fall due, in due order, on the calling thread, so what they do has happened when it returns.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _scheduled = [];
    private DateTimeOffset _now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private long _sequence;

    /// <summary>How many timers are waiting to fire (created or changed, and neither fired, disposed nor stopped).</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _scheduled.Count;
            }
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward by <paramref name="by"/>, firing every timer due by then.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }

        while (true)
        {
            ManualTimer? due;
            lock (_gate)
            {
                due = _scheduled.Where(t => t.DueAt <= target).OrderBy(t => t.DueAt).ThenBy(t => t.Sequence).FirstOrDefault();
                if (due is null)
                {
                    _now = target;
                    return;
                }

                if (due.DueAt > _now)
                {
                    _now = due.DueAt;
                }

                _scheduled.Remove(due);
                if (due.Period > TimeSpan.Zero)
                {
                    Schedule(due, _now + due.Period);
                }
            }

            // Outside the lock: the callback may create, change or dispose timers.
            due.Callback(due.State);
        }
    }

    private void Schedule(ManualTimer timer, DateTimeOffset dueAt)
    {
        timer.DueAt = dueAt;
        timer.Sequence = ++_sequence;
        _scheduled.Add(timer);
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        public DateTimeOffset DueAt { get; set; }

        public long Sequence { get; set; }

        public TimeSpan Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._scheduled.Remove(this);
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    owner.Schedule(this, owner._now + dueTime);
                }
            }

            return true;
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._scheduled.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
