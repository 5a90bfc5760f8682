namespace Switchboard.Tests.Connection;

public sealed class RetryAndReasonCodeTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    private static TimeSpan Delay(IRetryPolicy policy, int attempt)
    {
        Assert.True(policy.ShouldRetry(attempt, new IOException("down"), out var delay));
        return delay;
    }

    [Fact]
    public void Ceiling_doubles_until_the_maximum()
    {
        // random = 1 - ε puts every delay at (almost) its ceiling: min, 2·min, 4·min, … capped at max.
        var policy = new ExponentialBackoffRetryPolicy(Min, Max, () => 0.999999);
        var delays = Enumerable.Range(1, 8).Select(a => Delay(policy, a).TotalMilliseconds).ToArray();
        double[] expected = [500, 1000, 2000, 4000, 5000, 5000, 5000, 5000];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.InRange(delays[i], expected[i] - 5, expected[i]);
        }
    }

    [Fact]
    public void Delays_grow_with_fixed_jitter()
    {
        var policy = new ExponentialBackoffRetryPolicy(Min, Max, () => 0.5);
        var delays = Enumerable.Range(1, 20).Select(a => Delay(policy, a)).ToList();
        for (var i = 1; i < delays.Count; i++)
        {
            Assert.True(delays[i] >= delays[i - 1], $"attempt {i + 1}: {delays[i]} < {delays[i - 1]}");
        }

        Assert.True(delays[3] > delays[0]);
        Assert.Equal(Min, delays[0]);
        Assert.Equal(Min + ((Max - Min) / 2), delays[^1]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.999999)]
    public void Delays_stay_within_min_and_max(double jitter)
    {
        var policy = new ExponentialBackoffRetryPolicy(Min, Max, () => jitter);
        foreach (var attempt in new[] { -5, 0, 1, 2, 3, 10, 31, 32, 33, 64, 1000, 10_000, int.MaxValue - 1, int.MaxValue })
        {
            Assert.InRange(Delay(policy, attempt), Min, Max);
        }
    }

    [Fact]
    public void Huge_attempt_numbers_do_not_overflow()
    {
        var policy = new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), () => 0.999999);
        var delay = Delay(policy, 10_000);
        Assert.InRange(delay, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.InRange(Delay(policy, int.MaxValue), TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
    }

    [Fact]
    public void Default_random_source_stays_in_bounds()
    {
        var policy = new ExponentialBackoffRetryPolicy(Min, Max);
        for (var attempt = 1; attempt < 200; attempt++)
        {
            Assert.InRange(Delay(policy, attempt), Min, Max);
        }
    }

    [Fact]
    public void Equal_min_and_max_is_a_constant_delay()
    {
        var policy = new ExponentialBackoffRetryPolicy(Max, Max, () => 0.7);
        Assert.All(Enumerable.Range(1, 50), a => Assert.Equal(Max, Delay(policy, a)));
    }

    [Fact]
    public void Invalid_bounds_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(TimeSpan.FromSeconds(-1), Max));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRetryPolicy(Max, Min));
    }

    [Theory]
    [InlineData(133, true)]  // client identifier not valid
    [InlineData(134, true)]  // bad user name or password
    [InlineData(135, true)]  // not authorized
    [InlineData(138, true)]  // banned
    [InlineData(132, true)]  // unsupported protocol version
    [InlineData(140, true)]  // bad authentication method
    [InlineData(128, false)] // unspecified error
    [InlineData(131, false)] // implementation specific
    [InlineData(136, false)] // server unavailable
    [InlineData(137, false)] // server busy
    [InlineData(151, false)] // quota exceeded
    [InlineData(159, false)] // connection rate exceeded
    [InlineData(156, false)] // use another server: a redirection (or the next broker), not a fault
    [InlineData(157, false)] // server moved: likewise
    public void ConnAck_fatality(int code, bool fatal) => Assert.Equal(fatal, ReasonCodes.IsFatalConnAck(code));

    [Theory]
    [InlineData(142, true)]  // session taken over
    [InlineData(135, true)]  // not authorized
    [InlineData(149, true)]  // packet too large
    [InlineData(156, false)] // use another server: a redirection (or the next broker), not a fault
    [InlineData(157, false)] // server moved: likewise
    [InlineData(0, false)]   // normal disconnect
    [InlineData(4, false)]   // disconnect with will
    [InlineData(128, false)] // unspecified
    [InlineData(137, false)] // server busy
    [InlineData(139, false)] // server shutting down
    [InlineData(141, false)] // keep alive timeout
    [InlineData(152, false)] // administrative action
    public void Disconnect_fatality(int code, bool fatal) => Assert.Equal(fatal, ReasonCodes.IsFatalDisconnect(code));

    [Theory]
    [InlineData(134, "MQTT_USERNAME")]
    [InlineData(133, "MQTT_CLIENT_ID")]
    [InlineData(142, "MQTT_CLIENT_ID")]
    [InlineData(250, "250")]
    public void Descriptions_are_actionable(int code, string mentions) =>
        Assert.Contains(mentions, ReasonCodes.Describe(code), StringComparison.Ordinal);
}
