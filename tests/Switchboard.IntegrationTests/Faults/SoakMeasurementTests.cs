using Switchboard.Reliability;

namespace Switchboard.IntegrationTests.Faults;

/// <summary>The soak's arithmetic and bookkeeping, without a broker: slopes, verdicts, rows, the bounded tally.</summary>
public sealed class SoakMeasurementTests
{
    [Fact]
    public void The_slope_is_the_least_squares_line_through_the_rows()
    {
        Assert.Equal(2.0, Trend.Slope([(1, 3), (2, 5), (3, 7), (4, 9)]), 9);
        Assert.Equal(0.0, Trend.Slope([(1, 4), (2, 6), (3, 4), (4, 4), (5, 6), (6, 4)]), 9); // noise without a trend
        Assert.Equal(0.0, Trend.Slope([(1, 4)]));
        Assert.Equal(0.0, Trend.Slope([(2, 4), (2, 8)]));
    }

    [Theory]
    [InlineData(new[] { 100.0, 100.0, 101.0, 100.0, 101.0 }, "flat")]
    [InlineData(new[] { 100.0, 103.0, 106.0, 109.0, 112.0 }, "GROWTH")]
    [InlineData(new[] { 100.0, 130.0 }, "too few rows")]
    public void A_resource_grows_when_its_slope_exceeds_the_threshold(double[] values, string verdict)
    {
        var rows = values.Select((v, i) => new ResourceSample(i + 1, v, 1, 10, 10, 0, 0, 0)).ToList();

        var trend = Trend.Of("RSS", "MiB", rows, r => r.RssMiB, threshold: 2);

        Assert.Equal(verdict, trend.Verdict);
        Assert.Equal(verdict == "GROWTH", trend.Grows);
    }

    [Fact]
    public void A_row_parses_back_and_other_lines_do_not()
    {
        var sample = new ResourceSample(3.5, 88.25, 5.5, 17, 114, 210_000, 209_990, 42);

        Assert.True(ResourceSample.TryParse(sample.ToRow(), out var parsed));

        Assert.Equal(sample with { RssMiB = 88.3 }, parsed);
        foreach (var line in ResourceSample.Header.Split('\n').Append(string.Empty).Append("| RSS | +0.1 MiB/min | > 2 | 1 → 2 | 9 | flat |"))
        {
            Assert.False(ResourceSample.TryParse(line, out _), line);
        }
    }

    [Fact]
    public void The_tally_counts_through_its_floor_as_it_did_holding_every_number()
    {
        var tally = new StreamTally();
        foreach (var seq in new long[] { 0, 1, 2, 4, 3, 1, 6, 6, 8 })
        {
            tally.Record(seq);
        }

        Assert.Equal(7, tally.Unique);
        Assert.Equal(2, tally.Duplicates); // 1 (below the floor by then) and 6 (above it)
        Assert.Equal(1, tally.Reorderings); // 3 after 4
        Assert.True(tally.Has(2));
        Assert.False(tally.Has(5));
        Assert.Equal([5, 7, 9], tally.Missing(10));
    }
}
