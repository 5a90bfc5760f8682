namespace Switchboard.Bench;

/// <summary>The repetitions of one client in one scenario: medians of the figures, totals of the integrity counts.</summary>
public sealed record RowSummary(RunResult Median, long Missing, long Duplicates, long OutOfOrder, string? Note, bool Skipped, bool Absent = false)
{
    public static RowSummary Of(IReadOnlyList<RunResult> runs)
    {
        var measured = runs.Where(r => !r.Skipped).ToList();
        if (measured.Count == 0)
        {
            return new RowSummary(new RunResult(), 0, 0, 0, runs.FirstOrDefault()?.Note, true, runs.Count > 0 && runs.All(r => r.IsAbsent));
        }

        var median = new RunResult
        {
            MsgPerSec = Stats.Median(measured.Select(r => r.MsgPerSec)),
            P50 = Stats.Median(measured.Select(r => r.P50)),
            P99 = Stats.Median(measured.Select(r => r.P99)),
            Max = Stats.Median(measured.Select(r => r.Max)),
            CpuUsPerMsg = Stats.Median(measured.Select(r => r.CpuUsPerMsg)),
            ContextSwitchesPerMsg = Stats.Median(measured.Select(r => r.ContextSwitchesPerMsg)),
            BrokerCpuUsPerMsg = Stats.Median(measured.Select(r => r.BrokerCpuUsPerMsg)),
            PeakWorkingSetMb = Stats.Median(measured.Select(r => r.PeakWorkingSetMb)),
            AllocBytesPerMsg = Stats.Median(measured.Select(r => r.AllocBytesPerMsg)),
        };
        var notes = string.Join("; ", runs.Select(r => r.Note).Where(n => n is not null).Distinct());
        return new RowSummary(median, measured.Sum(r => r.Missing), measured.Sum(r => r.Duplicates), measured.Sum(r => r.OutOfOrder),
            notes.Length > 0 ? notes : null, false);
    }
}
