using Switchboard.Reliability;
using Xunit.Abstractions;

namespace Switchboard.IntegrationTests.Faults;

/// <summary>Three member processes of one shared subscription on Mosquitto, persistent sessions; one SIGKILLed
/// mid-stream and restarted with its client id: every message is handled at least once across the group.</summary>
public sealed class SharedSubscriptionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_killed_member_restarted_with_its_client_id_gets_what_waited_in_its_session_and_nothing_is_lost()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var outcome = await SharedSubscriptionScenario.RunAsync(members: 3, messages: 1500, persistent: true, bound.Token);
        output.WriteLine(Report.Format([outcome.Row]));

        Assert.True(outcome.NeverAfterRestart == 0, outcome.Row.Notes);
        Assert.Equal(1500, outcome.Once + outcome.Twice);
        // The killed member held messages it never acknowledged: they waited in its session, not lost, not moved.
        Assert.True(outcome.NeverBeforeRestart > 0, $"nothing waited for the killed member: {outcome.Row.Notes}");
        Assert.All(outcome.PerMember, n => Assert.True(n > 0, $"a member handled nothing: {outcome.Row.Notes}"));
    }
}
