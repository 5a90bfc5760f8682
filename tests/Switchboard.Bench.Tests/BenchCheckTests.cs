using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Bench.Tests;

public sealed class BenchCheckTests
{
    [Fact]
    public async Task Check_against_a_private_mosquitto_loses_and_duplicates_nothing()
    {
        await using var broker = new MosquittoBroker(new BrokerOptions());
        await broker.StartAsync();

        var result = await BenchCheck.RunAsync(broker.Url).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(0, result.Qos1.Missing);
        Assert.Equal(0, result.Qos1.Duplicates);
        Assert.Equal(0, result.Qos0.Duplicates);
        Assert.Equal(0, result.Qos1.OutOfOrder);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public async Task Check_starts_its_own_broker_when_no_url_is_given()
    {
        var result = await BenchCheck.RunAsync(url: null, messages: 500).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(500, result.Qos1.Messages);
    }
}
