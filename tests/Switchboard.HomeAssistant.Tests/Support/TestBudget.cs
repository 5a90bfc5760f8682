namespace Switchboard.HomeAssistant.Tests.Support;

/// <summary>A per-test cancellation budget for every call that could block on a broker.</summary>
internal static class TestBudget
{
    public static CancellationTokenSource Start() => new(TimeSpan.FromSeconds(60));
}
