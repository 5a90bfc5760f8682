using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Bench;

/// <summary>
/// Runs every scenario for every client on every target (transport × protocol), interleaved (per repetition, target
/// and scenario: A B C D, next repetition B C D A …), and prints one markdown table of medians, one section per target.
/// Starts a private Mosquitto (TCP and, when asked, TLS listener) unless a URL is given; every process it starts is
/// stopped on the way out.
/// </summary>
public static class Harness
{
    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var total = Stopwatch.StartNew();
        var loadAtStart = MachineLoad.OneMinute();
        await using var broker = await PrivateBroker.StartUnlessAsync(settings.Url, tls: settings.Transports.Contains(BenchTransport.Tls));
        try
        {
            var targets = Targets(settings, broker);
            var node = await NodeBenchClient.CreateAsync();
            IBenchClient[] clients =
            [
                new SwitchboardBenchClient(SwitchboardApi.PublishAsync), new SwitchboardBenchClient(SwitchboardApi.Post),
                new MqttNetBenchClient(), node, new MosquittoCliBenchClient(),
            ];
            if (settings.Clients is { } only)
            {
                clients = clients.Where(c => only.Any(o => c.Name.Contains(o, StringComparison.OrdinalIgnoreCase))).ToArray();
            }

            var scenarios = Enum.GetValues<Scenario>()
                .Where(sc => settings.Scenarios is null || settings.Scenarios.Contains(sc.Key(), StringComparer.OrdinalIgnoreCase))
                .ToArray();
            var anyTcp = targets.Any(t => !t.IsTls);
            Console.Error.WriteLine($"targets {string.Join("; ", targets)}; {settings.Reps} reps; {settings.Messages} messages per throughput run; load {loadAtStart}" +
                (node.Unavailable is { } why ? $"; MQTT.js rows skipped: {why}" : ""));

            if (settings.Warmup)
            {
                foreach (var target in targets)
                {
                    await WarmUpAsync(clients, target);
                }
            }

            using var sampler = settings.AllocationProfile ? new AllocationSampler() : null;
            var profiles = new List<string>();
            var results = new Dictionary<(BenchTarget, Scenario, string), List<RunResult>>();
            for (var rep = 0; rep < settings.Reps; rep++)
            {
                foreach (var target in targets)
                {
                    foreach (var scenario in scenarios.Where(sc => sc.RunsOn(target) || !anyTcp))
                    {
                        // Rotate the client order each repetition so no client always runs first.
                        for (var k = 0; k < clients.Length; k++)
                        {
                            var client = clients[(k + rep) % clients.Length];
                            sampler?.Take();
                            var brokerBefore = BrokerUsage(broker);
                            var result = await RunOneAsync(client, scenario, target, settings);
                            result = WithBrokerCpu(result, BrokerUsage(broker) - brokerBefore, scenario.MessagesPerRun(settings));
                            if (sampler is not null && !result.Skipped && !double.IsNaN(result.AllocBytesPerMsg))
                            {
                                await Task.Delay(500); // the listener receives events asynchronously
                                profiles.Add(AllocationSampler.Render($"rep {rep + 1} {target.Label} {scenario} {client.Name}", sampler.Take(), result.AllocBytesPerMsg));
                            }

                            if (!results.TryGetValue((target, scenario, client.Name), out var list))
                            {
                                results[(target, scenario, client.Name)] = list = [];
                            }

                            list.Add(result);
                            if (!result.Skipped)
                            {
                                Console.Error.WriteLine($"rep {rep + 1} {target.Label,-16} {scenario,-15} {client.Name,-26} {Brief(result)}");
                            }

                            GC.Collect();
                            GC.WaitForPendingFinalizers();
                        }
                    }
                }
            }

            Console.WriteLine(ResultTable.Render(results, targets, clients.Select(c => c.Name).ToArray(), settings));
            Console.WriteLine();
            Console.WriteLine(Footer(settings, targets, total.Elapsed, loadAtStart));
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

    /// <summary>
    /// One target per transport × protocol: the private broker's TCP and TLS listeners, or the one <c>--url</c> (its
    /// scheme decides the transport, <c>--ca-file</c> the trust).
    /// </summary>
    private static List<BenchTarget> Targets(BenchSettings settings, PrivateBroker? broker)
    {
        var targets = new List<BenchTarget>();
        foreach (var transport in settings.Transports)
        {
            foreach (var protocol in settings.Protocols)
            {
                if (broker is not null)
                {
                    targets.Add(transport == BenchTransport.Tls
                        ? new BenchTarget(broker.TlsUrl!, transport, protocol, broker.CaFile)
                        : new BenchTarget(broker.Url, transport, protocol));
                }
            }
        }

        if (broker is null)
        {
            var url = settings.Url!;
            var tls = url.StartsWith("mqtts://", StringComparison.OrdinalIgnoreCase);
            targets.AddRange(settings.Protocols.Select(p => new BenchTarget(url, tls ? BenchTransport.Tls : BenchTransport.Tcp, p, tls ? settings.CaFile : null)));
        }

        return targets;
    }

    /// <summary>JIT warm-up of the in-process clients (not recorded); the Node peer warms up inside each run.</summary>
    private static async Task WarmUpAsync(IEnumerable<IBenchClient> clients, BenchTarget target)
    {
        foreach (var client in clients.Where(c => c is SwitchboardBenchClient or MqttNetBenchClient))
        {
            await client.ThroughputAsync(target, 0, 5_000);
            await client.ThroughputAsync(target, 1, 5_000);
            await client.EnvelopeAsync(target, 2_000);
        }
    }

    private static ResourceUsage BrokerUsage(PrivateBroker? broker) =>
        broker?.ProcessId is { } pid ? ResourceUsage.Of(pid) : ResourceUsage.Unknown;

    // At QoS 1 the broker, one thread, is the limit on this box: a client that costs it less per message goes faster.
    private static RunResult WithBrokerCpu(RunResult result, ResourceUsage broker, int messages) =>
        result.Skipped || messages == 0 ? result : result with { BrokerCpuUsPerMsg = broker.CpuUs / messages };

    private static async Task<RunResult> RunOneAsync(IBenchClient client, Scenario scenario, BenchTarget target, BenchSettings s)
    {
        try
        {
            return scenario switch
            {
                Scenario.ThroughputQos0 => await client.ThroughputAsync(target, 0, s.Messages),
                Scenario.ThroughputQos1 => await client.ThroughputAsync(target, 1, s.Messages),
                Scenario.Latency => await client.LatencyAsync(target, s.Rate, s.LatencyWarmup, s.LatencyMessages),
                Scenario.Envelope => await client.EnvelopeAsync(target, s.EnvelopeMessages),
                Scenario.PostOffline => await client.PostOfflineAsync(target, s.OfflineMessages),
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

    private static string Footer(BenchSettings settings, IReadOnlyList<BenchTarget> targets, TimeSpan elapsed, string loadAtStart) =>
        $"Medians of {settings.Reps} interleaved repetitions; integrity columns are totals over all repetitions. " +
        $"Run time {elapsed.TotalSeconds:0} s. {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
        $"{(settings.Url is null ? "private Mosquitto on loopback" : "broker")} ({string.Join(", ", targets.Select(t => t.Url).Distinct())}); " +
        $"1-min load average {loadAtStart} at start, {MachineLoad.OneMinute()} at end (figures from a busy machine compare only within the run).\n" +
        "Every client in a section (transport, protocol) connects the same way: same URL, same MQTT version; TLS verifies the broker's certificate " +
        "(for 127.0.0.1, signed by a CA generated at start) against that CA with host name check on in every client. " +
        "Envelope and Post-while-disconnected rows run on TCP only.\n" +
        "×MQTT.js / ×MQTTnet: the row's main figure (msg/s for throughput, p50 for latency and Post) divided by the same figure of MQTT.js / raw MQTTnet " +
        "in the same transport and protocol; CPU ratio in brackets.\n" +
        "Publishing: Switchboard (PublishAsync) and MQTT.js await each publish at QoS 0 and keep a window of 100 awaited publishes at QoS 1 " +
        "(MQTT.js publishAsync, as its documentation shows); Switchboard (Post) queues every message with Post, then FlushAsync; " +
        "raw MQTTnet keeps 100 PublishAsync calls outstanding at both QoS; mosquitto_pub -l reads stdin.\n" +
        "CPU µs/msg and ctx sw/msg (context switches: thread hops and wake-ups) cover both connections of the client (publisher + subscriber), not the broker; " +
        "broker CPU µs/msg is the private Mosquitto's CPU time during the run (10 ms ticks) over the messages (– with --url); " +
        "at 1k msg/s (latency row) they are dominated by wake-ups, each of which costs tens of µs of CPU on a VM. " +
        "Peak WS of the .NET rows is the harness process (both clients + harness), sampled every 20 ms; Node and mosquitto rows are VmHWM of the child(ren). " +
        "alloc B/msg (GC.GetTotalAllocatedBytes deltas, all threads) includes the 64-byte payload array (88 B) the harness allocates per message.";
}
