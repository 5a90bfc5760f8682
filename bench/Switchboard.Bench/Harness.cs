using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Bench;

public sealed record BenchSettings(string? Url, int Messages, int Reps, int LatencyMessages, int LatencyWarmup, int Rate, int EnvelopeMessages, int OfflineMessages, bool Quick)
{
    /// <summary>Only clients whose name contains one of these (case-insensitive); null = all. For profiling runs.</summary>
    public string[]? Clients { get; init; }

    /// <summary>Only these scenarios (qos0, qos1, latency, envelope, offline); null = all.</summary>
    public string[]? Scenarios { get; init; }

    public bool Warmup { get; init; } = true;
}

/// <summary>Runs every scenario for every client, interleaved per repetition, and prints one markdown table of medians.</summary>
public static class Harness
{
    enum Scenario
    {
        ThroughputQos0,
        ThroughputQos1,
        Latency,
        Envelope,
        PostOffline,
    }

    static string Key(Scenario scenario) => scenario switch
    {
        Scenario.ThroughputQos0 => "qos0",
        Scenario.ThroughputQos1 => "qos1",
        Scenario.Latency => "latency",
        Scenario.Envelope => "envelope",
        _ => "offline",
    };

    static string Title(Scenario scenario, BenchSettings s) => scenario switch
    {
        Scenario.ThroughputQos0 => $"throughput QoS 0, {s.Messages / 1000}k × 64 B",
        Scenario.ThroughputQos1 => $"throughput QoS 1 (100 in flight), {s.Messages / 1000}k × 64 B",
        Scenario.Latency => $"latency QoS 1 at {s.Rate} msg/s, {s.LatencyMessages} samples",
        Scenario.Envelope => $"envelope events QoS 1, {s.EnvelopeMessages / 1000}k",
        Scenario.PostOffline => $"Post while disconnected, {s.OfflineMessages / 1000}k calls",
        _ => scenario.ToString(),
    };

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var total = Stopwatch.StartNew();
        MosquittoBroker? broker = null;
        var url = settings.Url;
        if (url is null)
        {
            broker = new MosquittoBroker(new BrokerOptions());
            await broker.StartAsync();
            url = broker.Url;
        }

        try
        {
            var node = await NodeBenchClient.CreateAsync();
            IBenchClient[] clients = [new SwitchboardBenchClient(), new MqttNetBenchClient(), node, new MosquittoClientsBench()];
            if (settings.Clients is { } only)
            {
                clients = clients.Where(c => only.Any(o => c.Name.Contains(o, StringComparison.OrdinalIgnoreCase))).ToArray();
            }

            var scenarios = Enum.GetValues<Scenario>().Where(sc => settings.Scenarios is null || settings.Scenarios.Contains(Key(sc), StringComparer.OrdinalIgnoreCase)).ToArray();
            Console.Error.WriteLine($"broker {url}; {settings.Reps} reps; {settings.Messages} messages per throughput run{(node.Unavailable is { } why ? $"; MQTT.js skipped: {why}" : "")}");

            // JIT warm-up of the in-process clients (not recorded).
            foreach (var client in clients.Where(c => settings.Warmup && c is SwitchboardBenchClient or MqttNetBenchClient))
            {
                await client.ThroughputAsync(url, 0, 5_000);
                await client.ThroughputAsync(url, 1, 5_000);
                await client.EnvelopeAsync(url, 2_000);
            }

            var results = new Dictionary<(Scenario, string), List<RunResult>>();
            for (var rep = 0; rep < settings.Reps; rep++)
            {
                foreach (var scenario in scenarios)
                {
                    // Rotate the client order each repetition so no client always runs first.
                    for (var k = 0; k < clients.Length; k++)
                    {
                        var client = clients[(k + rep) % clients.Length];
                        var result = await RunOneAsync(client, scenario, url, settings);
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

            Console.WriteLine(Table(results, clients.Select(c => c.Name).ToArray(), settings));
            Console.WriteLine();
            Console.WriteLine($"Medians of {settings.Reps} interleaved repetitions; integrity columns are totals over all repetitions. " +
                $"Run time {total.Elapsed.TotalSeconds:0} s. {Environment.ProcessorCount} cores, .NET {Environment.Version}, Mosquitto on loopback ({url}).");
            Console.WriteLine("×MQTT.js / ×MQTTnet: the row's main figure (msg/s for throughput, p50 for latency and Post) divided by the same figure of MQTT.js / raw MQTTnet; CPU ratio in brackets.");
            Console.WriteLine("CPU µs/msg covers both connections (publisher + subscriber) of the client, not the broker. Peak WS of the .NET rows is the harness process (both clients + harness), sampled every 20 ms; alloc B/msg includes the 64-byte payload array (88 B) the harness allocates per message.");
            return 0;
        }
        finally
        {
            Children.KillAll();
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }
        }
    }

    static async Task<RunResult> RunOneAsync(IBenchClient client, Scenario scenario, string url, BenchSettings s)
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

    static string Brief(RunResult r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.MsgPerSec,9:0} msg/s p50 {r.P50,7:0.0} µs p99 {r.P99,7:0.0} cpu {r.CpuUsPerMsg,5:0.00} µs/msg alloc {r.AllocBytesPerMsg,6:0} B/msg ws {r.PeakWorkingSetMb,5:0} MB lost {r.Missing} dup {r.Duplicates} ooo {r.OutOfOrder} {r.Note}");

    sealed record Summary(RunResult Median, long Missing, long Duplicates, long OutOfOrder, string? Note, bool Skipped);

    static Summary Summarize(List<RunResult> runs)
    {
        var measured = runs.Where(r => !r.Skipped).ToList();
        if (measured.Count == 0)
        {
            return new Summary(new RunResult(), 0, 0, 0, runs.FirstOrDefault()?.Note, true);
        }

        var median = new RunResult
        {
            MsgPerSec = Stats.Median(measured.Select(r => r.MsgPerSec)),
            P50 = Stats.Median(measured.Select(r => r.P50)),
            P99 = Stats.Median(measured.Select(r => r.P99)),
            Max = Stats.Median(measured.Select(r => r.Max)),
            CpuUsPerMsg = Stats.Median(measured.Select(r => r.CpuUsPerMsg)),
            PeakWorkingSetMb = Stats.Median(measured.Select(r => r.PeakWorkingSetMb)),
            AllocBytesPerMsg = Stats.Median(measured.Select(r => r.AllocBytesPerMsg)),
        };
        var notes = string.Join("; ", runs.Select(r => r.Note).Where(n => n is not null).Distinct());
        return new Summary(median, measured.Sum(r => r.Missing), measured.Sum(r => r.Duplicates), measured.Sum(r => r.OutOfOrder),
            notes.Length > 0 ? notes : null, false);
    }

    static string Table(Dictionary<(Scenario, string), List<RunResult>> results, string[] clients, BenchSettings s)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("| scenario | client | msg/s | p50 µs | p99 µs | max µs | CPU µs/msg | peak WS MB | alloc B/msg | lost / dup / out-of-order | ×MQTT.js | ×MQTTnet | notes |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|");
        foreach (var scenario in Enum.GetValues<Scenario>())
        {
            var summaries = clients.ToDictionary(c => c, c => results.TryGetValue((scenario, c), out var runs) ? Summarize(runs) : null);
            var latencyLike = scenario is Scenario.Latency or Scenario.PostOffline;
            double Main(RunResult r) => latencyLike ? r.P50 : r.MsgPerSec;
            foreach (var client in clients)
            {
                if (summaries[client] is not { } summary || (summary.Skipped && client == "mosquitto_pub/sub"))
                {
                    continue;
                }

                var m = summary.Median;
                string Ratio(string other)
                {
                    if (summary.Skipped || summaries.GetValueOrDefault(other) is not { Skipped: false } reference || client == other)
                    {
                        return client == other && !summary.Skipped ? "1.00" : "–";
                    }

                    var main = Main(m) / Main(reference.Median);
                    var cpu = m.CpuUsPerMsg / reference.Median.CpuUsPerMsg;
                    return double.IsNaN(main) ? "–" : string.Create(inv, $"{main:0.00} ({cpu:0.00})");
                }

                text.Append(inv, $"| {Title(scenario, s)} | {client} | ");
                if (summary.Skipped)
                {
                    text.AppendLine(inv, $"– | – | – | – | – | – | – | – | – | – | {summary.Note} |");
                    continue;
                }

                text.AppendLine(inv,
                    $"{F(m.MsgPerSec, "0")} | {F(m.P50, "0.0")} | {F(m.P99, "0.0")} | {F(m.Max, "0")} | {F(m.CpuUsPerMsg, "0.00")} | {F(m.PeakWorkingSetMb, "0")} | {F(m.AllocBytesPerMsg, "0")} | " +
                    $"{(scenario == Scenario.PostOffline ? "–" : $"{summary.Missing} / {summary.Duplicates} / {summary.OutOfOrder}")} | {Ratio("MQTT.js")} | {Ratio("raw MQTTnet")} | {summary.Note} |");
            }
        }

        return text.ToString().TrimEnd();
    }

    static string F(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);
}
