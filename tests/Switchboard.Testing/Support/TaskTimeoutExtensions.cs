namespace Switchboard.IntegrationTests.Support;

/// <summary>
/// <see cref="Task.WaitAsync(TimeSpan)"/> with a message that says what the test was waiting for, so a hung
/// await fails with a readable reason instead of a bare <see cref="TimeoutException"/>.
/// </summary>
public static class TaskTimeoutExtensions
{
    /// <summary>Awaits <paramref name="task"/> for at most <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">The task did not complete in time.</exception>
    public static async Task WithTimeout(this Task task, TimeSpan timeout, string because)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.0} s waiting for {because}.", ex);
        }
    }

    /// <summary>Awaits <paramref name="task"/> for at most <paramref name="timeout"/> and returns its result.</summary>
    /// <exception cref="TimeoutException">The task did not complete in time.</exception>
    public static async Task<T> WithTimeout<T>(this Task<T> task, TimeSpan timeout, string because)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.0} s waiting for {because}.", ex);
        }
    }

    /// <summary>Awaits <paramref name="task"/> with <see cref="Eventually.DefaultTimeout"/>.</summary>
    public static Task WithTimeout(this Task task, string because) => task.WithTimeout(Eventually.DefaultTimeout, because);

    /// <summary>Awaits <paramref name="task"/> with <see cref="Eventually.DefaultTimeout"/> and returns its result.</summary>
    public static Task<T> WithTimeout<T>(this Task<T> task, string because) => task.WithTimeout(Eventually.DefaultTimeout, because);
}
