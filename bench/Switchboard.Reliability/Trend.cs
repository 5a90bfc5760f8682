using System.Globalization;

namespace Switchboard.Reliability;

/// <summary>
/// The least-squares slope of one resource over a soak's rows (per minute), and whether it counts as growth: a slope
/// above <see cref="Threshold"/>. A slope, not last-minus-first, so one noisy row at either end cannot decide it.
/// </summary>
public sealed record Trend(string Resource, string Unit, double SlopePerMinute, double Threshold, int Points, double First, double Last)
{
    /// <summary>Fewer rows than this give no verdict: two points always make a perfect line.</summary>
    public const int MinPoints = 3;

    /// <summary>Enough rows for a verdict.</summary>
    public bool HasVerdict => Points >= MinPoints;

    /// <summary>The slope is above the threshold (only with enough rows).</summary>
    public bool Grows => HasVerdict && SlopePerMinute > Threshold;

    /// <summary>"GROWTH", "flat" or "too few rows".</summary>
    public string Verdict => !HasVerdict ? "too few rows" : Grows ? "GROWTH" : "flat";

    /// <summary>The trend of <paramref name="value"/> over <paramref name="rows"/> (x = the row's minute).</summary>
    public static Trend Of(string resource, string unit, IReadOnlyList<ResourceSample> rows, Func<ResourceSample, double> value, double threshold)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(value);
        var points = rows.Select(r => (r.Minute, value(r))).ToList();
        return new Trend(
            resource,
            unit,
            Slope(points),
            threshold,
            points.Count,
            points.Count > 0 ? points[0].Item2 : double.NaN,
            points.Count > 0 ? points[^1].Item2 : double.NaN);
    }

    /// <summary>The least-squares slope dy/dx of <paramref name="points"/>; 0 with fewer than two distinct x.</summary>
    public static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 2)
        {
            return 0;
        }

        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        double covariance = 0, variance = 0;
        foreach (var (x, y) in points)
        {
            covariance += (x - meanX) * (y - meanY);
            variance += (x - meanX) * (x - meanX);
        }

        return variance == 0 ? 0 : covariance / variance;
    }

    /// <summary>A markdown table line: resource, slope, threshold, first and last value, verdict.</summary>
    public string ToRow() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Resource} | {SlopePerMinute:+0.000;-0.000;0.000} {Unit}/min | > {Threshold:0.###} {Unit}/min | {First:0.##} → {Last:0.##} {Unit} | {Points} | {Verdict} |");

    /// <summary>The header for <see cref="ToRow"/> lines.</summary>
    public const string Header =
        "| resource | slope | growth if | first → last | rows | verdict |\n" +
        "|---|---:|---:|---:|---:|---|";
}
