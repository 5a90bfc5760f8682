using Switchboard.Reliability;
using Xunit.Abstractions;

namespace Switchboard.IntegrationTests.Faults;

/// <summary>
/// The reliability bench's soak mode, run briefly: steady QoS 1 traffic through a fault every couple of seconds.
/// Asserts what a short run can show (nothing lost, rows printed and readable); never a growth verdict, which needs
/// minutes after a warm-up (<c>--soak 10</c> measures that).
/// </summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_short_soak_through_rotating_faults_loses_nothing_and_prints_resource_rows_that_parse_back()
    {
        var settings = new SoakSettings
        {
            Duration = TimeSpan.FromSeconds(25),
            FaultInterval = TimeSpan.FromSeconds(2.5),
            SampleInterval = TimeSpan.FromSeconds(5),
            WarmUp = TimeSpan.FromSeconds(5),
        };
        using var printed = new StringWriter();

        var result = await SoakScenario.RunAsync(settings, printed).WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine(printed.ToString());
        output.WriteLine(result.Format());

        Assert.True(result.LostByClient == 0, $"lost {result.LostByClient} (e.g. {result.MissingExamples})");
        Assert.Equal(0, result.FailedPublishes);
        Assert.Equal(25_000, result.Sent);
        Assert.Equal(result.Sent - result.LostByBroker, result.Delivered);
        Assert.True(result.FaultsInjected >= 5, $"only {result.FaultsInjected} faults injected");
        Assert.True(result.Faults.All(f => f.Count >= 1), "not every kind of fault was injected: " + string.Join(", ", result.Faults));
        Assert.True(result.Reconnects >= result.FaultsInjected, $"{result.Reconnects} reconnects for {result.FaultsInjected} faults: the faults did not bite");

        // The rows printed while it ran are the rows it reports: a start row, one per 5 s before the end, an end row.
        var rows = printed.ToString().Split('\n').Select(Parse).OfType<ResourceSample>().ToList();
        Assert.Equal(result.Rows.Count, rows.Count);
        Assert.InRange(rows.Count, 5, 7);
        Assert.Equal(result.Rows.Select(r => (r.Threads, r.Handles, r.Sent, r.Received, r.Faults)), rows.Select(r => (r.Threads, r.Handles, r.Sent, r.Received, r.Faults)));
        Assert.All(rows, r => Assert.True(r.RssMiB > 0 && r.GcHeapMiB > 0 && r.Threads > 0 && r.Handles > 0, r.ToRow()));
        Assert.Equal(result.Sent, rows[^1].Sent);
        Assert.Equal(result.Delivered, rows[^1].Received);
        Assert.Equal(["RSS", "GC heap", "threads", "handles"], result.Trends.Select(t => t.Resource));
        Assert.All(result.Trends, t => Assert.Equal(result.Rows.Count(r => r.Minute >= settings.WarmUp.TotalMinutes), t.Points));
    }

    private static ResourceSample? Parse(string line) => ResourceSample.TryParse(line, out var sample) ? sample : null;
}
