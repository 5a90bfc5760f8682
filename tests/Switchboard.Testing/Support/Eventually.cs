using System.Diagnostics;

namespace Switchboard.IntegrationTests.Support;

/// <summary>
/// Awaits a condition by polling it on a short interval, bounded by a timeout. Use it instead of fixed sleeps:
/// the wait ends as soon as the condition holds, and a timeout fails the test with a message saying what was expected.
/// </summary>
public static class Eventually
{
    /// <summary>Default bound for conditions that should hold "soon" on a healthy loopback connection.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How often conditions are re-evaluated.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Waits until <paramref name="condition"/> returns true.</summary>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return WaitAsync(() => Task.FromResult(condition()), timeout, because, cancellationToken);
    }

    /// <summary>Waits until <paramref name="condition"/> returns true, using <see cref="DefaultTimeout"/>.</summary>
    public static Task WaitAsync(Func<bool> condition, string because, CancellationToken cancellationToken = default) =>
        WaitAsync(condition, DefaultTimeout, because, cancellationToken);

    /// <summary>Waits until the asynchronous <paramref name="condition"/> returns true.</summary>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var started = Stopwatch.GetTimestamp();
        Exception? lastError = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (await condition())
                {
                    return;
                }

                lastError = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A condition that throws counts as "not yet"; the last error is reported on timeout.
                lastError = ex;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= timeout)
            {
                throw new TimeoutException(
                    $"Timed out after {elapsed.TotalSeconds:0.0} s waiting until {because}." +
                    (lastError is null ? string.Empty : $" Last error: {lastError.GetType().Name}: {lastError.Message}"),
                    lastError);
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Waits until <paramref name="value"/> produces a non-null result and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<T?> value, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        T? result = null;
        await WaitAsync(() => (result = value()) is not null, timeout, because, cancellationToken);
        return result!;
    }
}
