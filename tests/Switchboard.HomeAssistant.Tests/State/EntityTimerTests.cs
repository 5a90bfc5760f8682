using Switchboard.HomeAssistant.State;
using Switchboard.HomeAssistant.Tests.Support;

namespace Switchboard.HomeAssistant.Tests.State;

public sealed class EntityTimerTests
{
    [Fact]
    public void A_firing_that_lost_the_race_to_a_restart_is_ignored()
    {
        var time = new ManualTimeProvider();
        var firings = new List<long>();
        using var timer = new EntityTimer(time, (_, generation) => firings.Add(generation));
        timer.Start(TimeSpan.FromSeconds(10), "t");
        time.Advance(TimeSpan.FromSeconds(10));

        // The callback waited for the lock while a state message restarted the delay.
        timer.Start(TimeSpan.FromSeconds(10), "t");

        Assert.False(timer.TryElapse(firings[0]));
        Assert.True(timer.IsRunning);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(timer.TryElapse(firings[1]));
        Assert.False(timer.IsRunning);
    }

    [Fact]
    public void A_delay_longer_than_one_timer_can_hold_is_a_chain_of_timers()
    {
        var time = new ManualTimeProvider();
        var elapsed = false;
        using var timer = new EntityTimer(time, (t, generation) => elapsed |= t.TryElapse(generation));

        timer.Start(TimeSpan.FromDays(100), "t");
        time.Advance(TimeSpan.FromDays(100) - TimeSpan.FromSeconds(1));
        Assert.False(elapsed);
        Assert.Equal(1, time.PendingTimers);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(elapsed);
        Assert.Equal(0, time.PendingTimers);
    }

    [Fact]
    public void A_disposed_timer_does_not_start_again()
    {
        var time = new ManualTimeProvider();
        var timer = new EntityTimer(time, (_, _) => Assert.Fail("a disposed timer fired"));
        timer.Start(TimeSpan.FromSeconds(10), "t");

        timer.Dispose();
        timer.Start(TimeSpan.FromSeconds(10), "t");
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(timer.IsRunning);
        Assert.Equal(0, time.PendingTimers);
    }
}
