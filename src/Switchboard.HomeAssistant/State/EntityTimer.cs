namespace Switchboard.HomeAssistant.State;

/// <summary>
/// A restartable one-shot delay of one entity (<c>expire_after</c>, <c>off_delay</c>) on the registry's
/// <see cref="TimeProvider"/>. Not thread-safe: started, stopped and disposed under the registry's lock, and the
/// callback takes that lock before calling <see cref="TryElapse"/>. A firing can lose the race for the lock to a state
/// message that restarts the delay, so every start has a generation of its own and a firing of an older one is
/// ignored. A delay longer than one timer can hold (about 49 days) is covered by a chain of timers.
/// </summary>
internal sealed class EntityTimer(TimeProvider time, Action<EntityTimer, long> elapsed) : IDisposable
{
    private static readonly TimeSpan MaxDueTime = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly Action<EntityTimer, long> _elapsed = elapsed;

    private ITimer? _timer;
    private long _generation;
    private TimeSpan _remaining;
    private bool _running;
    private bool _disposed;

    /// <summary>True from <see cref="Start"/> until it elapses, is stopped or disposed.</summary>
    public bool IsRunning => _running;

    /// <summary>The topic of the message that started it, for the events its elapsing raises.</summary>
    public string Topic { get; private set; } = string.Empty;

    /// <summary>(Re)starts the delay from now; the previous one, if running, is forgotten. Does nothing once disposed.</summary>
    public void Start(TimeSpan delay, string topic)
    {
        Stop();
        if (_disposed)
        {
            return;
        }

        Topic = topic;
        _remaining = delay;
        _running = true;
        Arm();
    }

    public void Stop()
    {
        _generation++;
        _running = false;
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>For the callback, under the lock: true when the firing of <paramref name="generation"/> ends the delay;
    /// false when it is stale, or only one link of a longer chain (the next one is then armed).</summary>
    public bool TryElapse(long generation)
    {
        if (!_running || generation != _generation)
        {
            return false;
        }

        _timer?.Dispose();
        _timer = null;
        if (_remaining > TimeSpan.Zero)
        {
            Arm();
            return false;
        }

        _running = false;
        return true;
    }

    public void Dispose()
    {
        _disposed = true;
        Stop();
    }

    private void Arm()
    {
        var due = _remaining < MaxDueTime ? _remaining : MaxDueTime;
        _remaining -= due;
        var generation = ++_generation;
        _timer = time.CreateTimer(
            static s =>
            {
                var (timer, armed) = ((EntityTimer, long))s!;
                timer._elapsed(timer, armed);
            },
            (this, generation),
            due,
            Timeout.InfiniteTimeSpan);
    }
}
