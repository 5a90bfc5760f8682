using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Bench.Tests;

/// <summary>
/// The harness's integrity check (<c>Switchboard.Bench --check</c>) run in-process against a private Mosquitto.
/// Asserts counts only — nothing lost, nothing duplicated — never a timing threshold.
/// </summary>
public sealed class BenchCheckTests
{
    [Fact]
    public async Task Check_against_a_private_mosquitto_loses_and_duplicates_nothing()
    {
        await using var broker = new MosquittoBroker(new BrokerOptions());
        await broker.StartAsync();

        var result = await BenchCheck.RunAsync(broker.Url).WaitAsync(TimeSpan.FromSeconds(240));

        Assert.Equal(0, result.Qos1.Missing);
        Assert.Equal(0, result.Qos1.Duplicates);
        Assert.Equal(0, result.Qos0.Duplicates);
        Assert.Equal(0, result.Qos1.OutOfOrder);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public async Task Check_starts_its_own_broker_when_no_url_is_given()
    {
        var result = await BenchCheck.RunAsync(url: null, messages: 500).WaitAsync(TimeSpan.FromSeconds(240));

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(500, result.Qos1.Messages);
    }

    [Theory]
    [InlineData(0, 0, 0, true)]
    [InlineData(5, 0, 0, true)] // QoS 0 may lose
    [InlineData(0, 1, 0, false)] // but not duplicate
    [InlineData(0, 0, 1, false)] // QoS 1 must not lose
    public void Pass_rule_allows_only_qos0_loss(long qos0Missing, long qos0Duplicates, long qos1Missing, bool passed)
    {
        var result = new CheckResult(new CheckStream(0, 100, qos0Missing, qos0Duplicates, 0), new CheckStream(1, 100, qos1Missing, 0, 0));

        Assert.Equal(passed, result.Passed);
    }

    [Fact]
    public void A_qos1_duplicate_fails_the_check()
    {
        var result = new CheckResult(new CheckStream(0, 100, 0, 0, 0), new CheckStream(1, 100, 0, 1, 0));

        Assert.False(result.Passed);
    }
}
