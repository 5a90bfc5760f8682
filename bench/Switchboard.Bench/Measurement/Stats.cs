namespace Switchboard.Bench;

public static class Stats
{
    public static double Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    public static double Median(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToList();
        if (list.Count == 0)
        {
            return double.NaN;
        }

        return list.Count % 2 == 1 ? list[list.Count / 2] : (list[list.Count / 2 - 1] + list[list.Count / 2]) / 2;
    }

    /// <summary>Percentiles of <paramref name="micros"/> (sorted in place) plus the meter's per-message figures.</summary>
    public static RunResult Latencies(List<double> micros, int expected, Meter.Reading meter, int messages)
    {
        micros.Sort();
        return new RunResult
        {
            P50 = Percentile(micros, 50),
            P99 = Percentile(micros, 99),
            Max = micros.Count > 0 ? micros[^1] : double.NaN,
            Missing = expected - micros.Count,
            CpuUsPerMsg = meter.CpuUs / messages,
            ContextSwitchesPerMsg = meter.ContextSwitches / (double)messages,
            PeakWorkingSetMb = meter.PeakWorkingSetMb,
            AllocBytesPerMsg = meter.AllocatedBytes / (double)messages,
        };
    }
}
