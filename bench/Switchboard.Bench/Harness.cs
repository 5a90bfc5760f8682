using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Bench;

/// <summary>
/// Runs every scenario for every client, interleaved (per repetition and scenario: A B C D, next repetition B C D A …),
/// and prints one markdown table of medians. Starts a private Mosquitto unless a URL is given; every process it starts
/// is stopped on the way out.
/// </summary>
public static class Harness
{
    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var total = Stopwatch.StartNew();
        var loadAtStart = MachineLoad.OneMinute();
        await using var broker = await PrivateBroker.StartUnlessAsync(settings.Url);
        var url = settings.Url ?? broker!.Url;
        try
        {
            var node = await NodeBenchClient.CreateAsync();
            IBenchClient[] clients = [new SwitchboardBenchClient(), new MqttNetBenchClient(), node, new MosquittoCliBenchClient()];
            if (settings.Clients is { } only)
            {
                clients = clients.Where(c => only.Any(o => c.Name.Contains(o, StringComparison.OrdinalIgnoreCase))).ToArray();
            }

            var scenarios = Enum.GetValues<Scenario>()
                .Where(sc => settings.Scenarios is null || settings.Scenarios.Contains(sc.Key(), StringComparer.OrdinalIgnoreCase))
                .ToArray();
            Console.Error.WriteLine($"broker {url}; {settings.Reps} reps; {settings.Messages} messages per throughput run; load {loadAtStart}" +
                (node.Unavailable is { } why ? $"; MQTT.js rows skipped: {why}" : ""));

            if (settings.Warmup)
            {
                await WarmUpAsync(clients, url);
            }

            using var sampler = settings.AllocationProfile ? new AllocationSampler() : null;
            var profiles = new List<string>();
            var results = new Dictionary<(Scenario, string), List<RunResult>>();
            for (var rep = 0; rep < settings.Reps; rep++)
            {
                foreach (var scenario in scenarios)
                {
                    // Rotate the client order each repetition so no client always runs first.
                    for (var k = 0; k < clients.Length; k++)
                    {
                        var client = clients[(k + rep) % clients.Length];
                        sampler?.Take();
                        var brokerBefore = BrokerUsage(broker);
                        var result = await RunOneAsync(client, scenario, url, settings);
                        result = WithBrokerCpu(result, BrokerUsage(broker) - brokerBefore, scenario.MessagesPerRun(settings));
                        if (sampler is not null && !result.Skipped && !double.IsNaN(result.AllocBytesPerMsg))
                        {
                            await Task.Delay(500); // the listener receives events asynchronously
                            profiles.Add(AllocationSampler.Render($"rep {rep + 1} {scenario} {client.Name}", sampler.Take(), result.AllocBytesPerMsg));
                        }

                        if (!results.TryGetValue((scenario, client.Name), out var list))
                        {
                            results[(scenario, client.Name)] = list = [];
                        }

                        list.Add(result);
                        if (!result.Skipped)
                        {
                            Console.Error.WriteLine($"rep {rep + 1} {scenario,-15} {client.Name,-18} {Brief(result)}");
                        }

                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                    }
                }
            }

            Console.WriteLine(ResultTable.Render(results, clients.Select(c => c.Name).ToArray(), settings));
            Console.WriteLine();
            Console.WriteLine(Footer(settings, url, total.Elapsed, loadAtStart));
            foreach (var profile in profiles)
            {
                Console.WriteLine();
                Console.Write(profile);
            }

            return 0;
        }
        finally
        {
            ChildProcesses.KillAll();
        }
    }

    /// <summary>JIT warm-up of the in-process clients (not recorded); the Node peer warms up inside each run.</summary>
    private static async Task WarmUpAsync(IEnumerable<IBenchClient> clients, string url)
    {
        foreach (var client in clients.Where(c => c is SwitchboardBenchClient or MqttNetBenchClient))
        {
            await client.ThroughputAsync(url, 0, 5_000);
            await client.ThroughputAsync(url, 1, 5_000);
            await client.EnvelopeAsync(url, 2_000);
        }
    }

    private static ResourceUsage BrokerUsage(PrivateBroker? broker) =>
        broker?.ProcessId is { } pid ? ResourceUsage.Of(pid) : ResourceUsage.Unknown;

    // At QoS 1 the broker, one thread, is the limit on this box: a client that costs it less per message goes faster.
    private static RunResult WithBrokerCpu(RunResult result, ResourceUsage broker, int messages) =>
        result.Skipped || messages == 0 ? result : result with { BrokerCpuUsPerMsg = broker.CpuUs / messages };

    private static async Task<RunResult> RunOneAsync(IBenchClient client, Scenario scenario, string url, BenchSettings s)
    {
        try
        {
            return scenario switch
            {
                Scenario.ThroughputQos0 => await client.ThroughputAsync(url, 0, s.Messages),
                Scenario.ThroughputQos1 => await client.ThroughputAsync(url, 1, s.Messages),
                Scenario.Latency => await client.LatencyAsync(url, s.Rate, s.LatencyWarmup, s.LatencyMessages),
                Scenario.Envelope => await client.EnvelopeAsync(url, s.EnvelopeMessages),
                Scenario.PostOffline => await client.PostOfflineAsync(url, s.OfflineMessages),
                _ => RunResult.Skip("unknown"),
            };
        }
        catch (Exception ex)
        {
            return RunResult.Skip($"{client.Name} failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static string Brief(RunResult r) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{r.MsgPerSec,9:0} msg/s p50 {r.P50,7:0.0} µs p99 {r.P99,7:0.0} cpu {r.CpuUsPerMsg,6:0.00} µs/msg ctx {r.ContextSwitchesPerMsg,5:0.00}/msg broker {r.BrokerCpuUsPerMsg,6:0.00} µs/msg " +
            $"alloc {r.AllocBytesPerMsg,6:0} B/msg ws {r.PeakWorkingSetMb,5:0} MB lost {r.Missing} dup {r.Duplicates} ooo {r.OutOfOrder} {r.Note}");

    private static string Footer(BenchSettings settings, string url, TimeSpan elapsed, string loadAtStart) =>
        $"Medians of {settings.Reps} interleaved repetitions; integrity columns are totals over all repetitions. " +
        $"Run time {elapsed.TotalSeconds:0} s. {Environment.ProcessorCount} cores, .NET {Environment.Version}, Mosquitto on loopback ({url}); " +
        $"1-min load average {loadAtStart} at start, {MachineLoad.OneMinute()} at end (figures from a busy machine compare only within the run).\n" +
        "×MQTT.js / ×MQTTnet: the row's main figure (msg/s for throughput, p50 for latency and Post) divided by the same figure of MQTT.js / raw MQTTnet; CPU ratio in brackets.\n" +
        "CPU µs/msg and ctx sw/msg (context switches: thread hops and wake-ups) cover both connections of the client (publisher + subscriber), not the broker; " +
        "broker CPU µs/msg is the private Mosquitto's CPU time during the run (10 ms ticks) over the messages (– with --url); " +
        "at 1k msg/s (latency row) they are dominated by wake-ups, each of which costs tens of µs of CPU on a VM. " +
        "Peak WS of the .NET rows is the harness process (both clients + harness), sampled every 20 ms; Node and mosquitto rows are VmHWM of the child(ren). " +
        "alloc B/msg (GC.GetTotalAllocatedBytes deltas, all threads) includes the 64-byte payload array (88 B) the harness allocates per message.";
}
