using System.Diagnostics;

namespace Switchboard.HomeAssistant.Tests.Support;

/// <summary>Awaits a condition by polling it, bounded by a timeout; never a fixed sleep as synchronisation.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static async Task WaitAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.GetTimestamp();
        Exception? last = null;
        while (true)
        {
            try
            {
                if (condition())
                {
                    return;
                }

                last = null;
            }
            catch (Exception ex)
            {
                last = ex;
            }

            if (Stopwatch.GetElapsedTime(started) >= limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting until {because}." + (last is null ? string.Empty : $" Last error: {last.Message}"), last);
            }

            await Task.Delay(10);
        }
    }

    public static async Task<T> WithTimeout<T>(this Task<T> task, string because, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out waiting for {because}.", ex);
        }
    }

    public static async Task WithTimeout(this Task task, string because, TimeSpan? timeout = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out waiting for {because}.", ex);
        }
    }
}
