using System.Globalization;
using System.Text;

namespace Switchboard.Bench;

/// <summary>
/// The one markdown table: a section per target (transport + protocol), in it a row per scenario and client, with
/// ratios to MQTT.js and to raw MQTTnet of the same section. Every row names its transport and protocol.
/// </summary>
public static class ResultTable
{
    public const string MqttJs = "MQTT.js";
    public const string RawMqttNet = "raw MQTTnet";

    public static string Render(IReadOnlyDictionary<(BenchTarget, Scenario, string), List<RunResult>> results, IReadOnlyList<BenchTarget> targets, IReadOnlyList<string> clients, BenchSettings settings)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Sections: {string.Join("; ", targets.Select(t => t.Label))}. Ratios compare clients within the same transport and protocol only.");
        text.AppendLine();
        text.AppendLine("| transport, protocol | scenario | client | msg/s | p50 µs | p99 µs | max µs | CPU µs/msg | ctx sw/msg | broker CPU µs/msg | peak WS MB | alloc B/msg | lost / dup / out-of-order | ×MQTT.js | ×MQTTnet | notes |");
        text.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|");
        foreach (var target in targets)
        {
            foreach (var scenario in Enum.GetValues<Scenario>())
            {
                RenderScenario(text, results, target, scenario, clients, settings);
            }
        }

        return text.ToString().TrimEnd();
    }

    private static void RenderScenario(StringBuilder text, IReadOnlyDictionary<(BenchTarget, Scenario, string), List<RunResult>> results, BenchTarget target, Scenario scenario, IReadOnlyList<string> clients, BenchSettings settings)
    {
        var summaries = clients
            .Where(c => results.ContainsKey((target, scenario, c)))
            .ToDictionary(c => c, c => RowSummary.Of(results[(target, scenario, c)]));
        foreach (var (client, summary) in summaries)
        {
            // A client that does not take part in a scenario (a reference tool, the other Switchboard API) gets no row.
            if (summary.Absent)
            {
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"| {target.Label} | {scenario.Title(settings)} | {client} | ");
            if (summary.Skipped)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"– | – | – | – | – | – | – | – | – | – | – | – | {summary.Note} |");
                continue;
            }

            var m = summary.Median;
            var integrity = scenario == Scenario.PostOffline ? "–" : $"{summary.Missing} / {summary.Duplicates} / {summary.OutOfOrder}";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{F(m.MsgPerSec, "0")} | {F(m.P50, "0.0")} | {F(m.P99, "0.0")} | {F(m.Max, "0")} | {F(m.CpuUsPerMsg, "0.00")} | " +
                $"{F(m.ContextSwitchesPerMsg, "0.00")} | {F(m.BrokerCpuUsPerMsg, "0.00")} | {F(m.PeakWorkingSetMb, "0")} | {F(m.AllocBytesPerMsg, "0")} | {integrity} | " +
                $"{Ratio(scenario, client, summary, MqttJs, summaries)} | {Ratio(scenario, client, summary, RawMqttNet, summaries)} | {summary.Note} |");
        }
    }

    /// <summary>Main figure (msg/s, or p50 for latency-like rows) over the reference's, CPU ratio in brackets.</summary>
    private static string Ratio(Scenario scenario, string client, RowSummary summary, string reference, Dictionary<string, RowSummary> summaries)
    {
        if (client == reference)
        {
            return "1.00";
        }

        if (summaries.GetValueOrDefault(reference) is not { Skipped: false } other)
        {
            return "–";
        }

        double Main(RunResult r) => scenario.ComparesLatency() ? r.P50 : r.MsgPerSec;
        var main = Main(summary.Median) / Main(other.Median);
        var cpu = summary.Median.CpuUsPerMsg / other.Median.CpuUsPerMsg;
        return double.IsNaN(main) ? "–" : string.Create(CultureInfo.InvariantCulture, $"{main:0.00} ({F(cpu, "0.00")})");
    }

    private static string F(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);
}
