namespace Switchboard.IntegrationTests.Support;

/// <summary>Per-test cancellation budgets, so every test is bounded in time even if a broker or socket hangs.</summary>
public static class TestTimeout
{
    /// <summary>Budget for an ordinary integration test.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    /// <summary>Budget for tests that restart or kill brokers.</summary>
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    /// <summary>A token source that cancels after <paramref name="budget"/> (default <see cref="Default"/>).</summary>
    public static CancellationTokenSource Start(TimeSpan? budget = null) => new(budget ?? Default);
}
