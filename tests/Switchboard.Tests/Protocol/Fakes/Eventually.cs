using System.Diagnostics;

namespace Switchboard.Tests.Protocol.Fakes;

/// <summary>Bounded waits for a condition that another thread makes true (polled with spinning and yields, no sleeps).</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var spin = default(SpinWait);
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds} s for {what}.");
            }

            spin.SpinOnce();
            await Task.Yield();
        }
    }
}
