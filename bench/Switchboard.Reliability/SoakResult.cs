using System.Globalization;
using System.Text;

namespace Switchboard.Reliability;

/// <summary>What a soak measured: its resource rows and their trends, the traffic's fate and the faults injected.</summary>
public sealed record SoakResult
{
    public required SoakSettings Settings { get; init; }

    /// <summary>Every resource row, in order: one at the start, one per sample interval, one at the end.</summary>
    public required IReadOnlyList<ResourceSample> Rows { get; init; }

    /// <summary>One trend per resource over the rows after the warm-up.</summary>
    public required IReadOnlyList<Trend> Trends { get; init; }

    public long Sent { get; init; }

    public long Delivered { get; init; }

    /// <summary>Sent, never delivered, never acknowledged by the broker: the client's loss.</summary>
    public long LostByClient { get; init; }

    /// <summary>Sent, acknowledged (PUBACK) and then lost by the broker in a SIGKILL before it saved its database.</summary>
    public long LostByBroker { get; init; }

    /// <summary>Publishes that failed with an exception (the client gave up on them).</summary>
    public long FailedPublishes { get; init; }

    public long Duplicates { get; init; }

    public long Reorderings { get; init; }

    public long Reconnects { get; init; }

    public long SessionsLost { get; init; }

    public required IReadOnlyList<(string Kind, int Count)> Faults { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>A few missing messages as topic#seq, for the notes.</summary>
    public string MissingExamples { get; init; } = string.Empty;

    /// <summary>Faults injected in all.</summary>
    public int FaultsInjected => Faults.Sum(f => f.Count);

    /// <summary>Nothing lost by the client, no publish failed, no resource grows.</summary>
    /// <remarks>
    /// A message the broker acknowledged and then lost in a SIGKILL is reported, not failed: Mosquitto sends the
    /// PUBACK before it writes its database, and no client can take that back (the reliability report and the
    /// fault-injection tests draw the same line).
    /// </remarks>
    public bool Passed => LostByClient == 0 && FailedPublishes == 0 && !Trends.Any(t => t.Grows);

    /// <summary>The rows, the trends and the totals, as markdown.</summary>
    public string Format()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"## Soak: {Settings.Duration.TotalMinutes:0.##} min, {Settings.MessagesPerSecond} msg/s QoS 1 over {Settings.Topics} topics, a fault every {Settings.FaultInterval.TotalSeconds:0.#} s");
        text.AppendLine();
        text.AppendLine(ResourceSample.Header);
        foreach (var row in Rows)
        {
            text.AppendLine(row.ToRow());
        }

        text.AppendLine();
        text.AppendLine(inv, $"Trends: least-squares slope over the {Trends.FirstOrDefault()?.Points ?? 0} rows from minute {Settings.WarmUp.TotalMinutes:0.##} on (GC heap = live bytes after a full collection).");
        text.AppendLine();
        text.AppendLine(Trend.Header);
        foreach (var trend in Trends)
        {
            text.AppendLine(trend.ToRow());
        }

        text.AppendLine();
        text.AppendLine("| sent | delivered | lost by client | lost by broker after its PUBACK | failed publishes | duplicates | out of order | reconnects | sessions lost | faults | run time |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        text.AppendLine(inv, $"| {Sent} | {Delivered} | {LostByClient} | {LostByBroker} | {FailedPublishes} | {Duplicates} | {Reorderings} | {Reconnects} | {SessionsLost} | {FaultsInjected} | {Duration.TotalSeconds:0} s |");
        text.AppendLine();
        text.AppendLine("Faults: " + string.Join(", ", Faults.Select(f => string.Create(inv, $"{f.Count} × {f.Kind}"))));
        if (MissingExamples.Length > 0)
        {
            text.AppendLine("Missing e.g. " + MissingExamples);
        }

        text.AppendLine();
        text.AppendLine(Passed
            ? "Verdict: PASS (nothing lost by the client, no resource grows)"
            : $"Verdict: FAIL ({string.Join("; ", FailureReasons())})");
        return text.ToString();
    }

    private IEnumerable<string> FailureReasons()
    {
        if (LostByClient > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{LostByClient} lost by the client");
        }

        if (FailedPublishes > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{FailedPublishes} publishes failed");
        }

        foreach (var trend in Trends.Where(t => t.Grows))
        {
            yield return $"{trend.Resource} grows";
        }
    }
}
