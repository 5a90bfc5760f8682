using System.Globalization;
using System.Text;
using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Reliability;

/// <summary>Runs every scenario and prints the reliability table (markdown).</summary>
public static class Report
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> options)
    {
        var quick = options.ContainsKey("quick");
        var messages = int.Parse(options.GetValueOrDefault("messages") ?? (quick ? "5000" : "20000"), CultureInfo.InvariantCulture);
        var kills = int.Parse(options.GetValueOrDefault("kills") ?? "5", CultureInfo.InvariantCulture);
        var cuts = int.Parse(options.GetValueOrDefault("cuts") ?? "5", CultureInfo.InvariantCulture);
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(quick ? 3 : 10));

        var results = new List<ScenarioResult>();
        async Task Run(string name, Func<Task<ScenarioResult>> scenario)
        {
            Console.Error.WriteLine($"running: {name}");
            try
            {
                results.Add(await scenario());
            }
            catch (Exception ex)
            {
                results.Add(new ScenarioResult { Scenario = name, Notes = $"FAILED: {ex.GetType().Name}: {ex.Message}" });
            }
        }

        await Run("cuts only, dedupe off", () => Scenarios.StreamThroughFaultsAsync(messages, 0, cuts, dedupe: false, overall.Token));
        await Run("kills + cuts, dedupe off", () => Scenarios.StreamThroughFaultsAsync(messages, kills, cuts, dedupe: false, overall.Token));
        await Run("kills + cuts, dedupe on", () => Scenarios.StreamThroughFaultsAsync(messages, kills, cuts, dedupe: true, overall.Token));
        await Run("stall", () => Scenarios.StallAsync(TimeSpan.FromSeconds(2), overall.Token));
        await Run("child crash", () => ChildCrashScenario.RunAsync(quick ? 2000 : 10000, overall.Token));
        await Run("slow handler", () => Scenarios.SlowHandlerAsync(quick ? 500 : 2000, TimeSpan.FromMilliseconds(2), 50, overall.Token));
        foreach (var persistent in new[] { true, false })
        {
            await Run($"shared subscription, persistent {persistent}", async () => (await SharedSubscriptionScenario.RunAsync(3, quick ? 1500 : 6000, persistent, overall.Token)).Row);
        }

        if (!options.ContainsKey("no-cluster"))
        {
            foreach (var kill in new[] { false, true })
            {
                await Run($"RabbitMQ cluster, kill {kill}", async () =>
                {
                    // A fresh cluster per row: a node brought back after a fault can take minutes to rejoin.
                    await using var cluster = await RabbitMqCluster.StartAsync(nodes: 2);
                    Console.Error.WriteLine($"RabbitMQ cluster started in {cluster.StartupTime.TotalSeconds:0.0} s");
                    return (await ClusterScenario.RunAsync(cluster, kill, quick ? 300 : 2000, overall.Token)).Row;
                });
            }
        }

        Console.WriteLine(Format(results));
        return results.All(r => r.LostByClient == 0 && !r.Notes.StartsWith("FAILED", StringComparison.Ordinal)) ? 0 : 1;
    }

    public static string Format(IEnumerable<ScenarioResult> results)
    {
        var table = new StringBuilder();
        table.AppendLine("| scenario | accepted | delivered | lost by client | lost by broker after its PUBACK | duplicates seen by handlers | reorderings | reconnects | worst recovery | run time | notes |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Accepted} | {r.Delivered} | {r.LostByClient} | {r.LostByBroker} | {r.Duplicates} | {r.Reorderings} | {r.Reconnects} | {r.MaxRecovery.TotalSeconds:0.00} s | {r.Duration.TotalSeconds:0.0} s | {r.Notes} |");
        }

        return table.ToString();
    }
}
