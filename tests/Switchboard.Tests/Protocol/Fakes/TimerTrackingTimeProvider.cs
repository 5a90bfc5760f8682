using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Tests.Protocol.Fakes;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that counts the timers created with each due time, so a test can wait until the
/// code under test has armed its timer (a <c>Task.Delay</c> or a timed <see cref="CancellationTokenSource"/>) before
/// it advances the clock; advancing earlier would start the timer after the jump and it would never fire.
/// </summary>
internal sealed class TimerTrackingTimeProvider : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _dueTimes = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_lock)
        {
            _dueTimes.Add(dueTime);
        }

        return timer;
    }

    /// <summary>How many timers were created with <paramref name="dueTime"/>.</summary>
    public int Created(TimeSpan dueTime)
    {
        lock (_lock)
        {
            return _dueTimes.Count(d => d == dueTime);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> timers with <paramref name="dueTime"/> exist.</summary>
    public Task WaitForTimerAsync(TimeSpan dueTime, int count) =>
        Eventually.WaitUntilAsync(() => Created(dueTime) >= count, $"timer #{count} of {dueTime.TotalSeconds} s to be armed");

    /// <summary>Waits for timer #<paramref name="count"/> of <paramref name="dueTime"/>, then advances the clock by it.</summary>
    public async Task AdvanceWhenArmedAsync(TimeSpan dueTime, int count)
    {
        await WaitForTimerAsync(dueTime, count);
        Advance(dueTime);
    }
}
