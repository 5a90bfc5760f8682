using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>The inflight window never exceeds the receive-maximum the broker announces in its CONNACK.</summary>
public sealed class ReceiveMaximumTests
{
    [Fact]
    public async Task The_inflight_window_respects_the_brokers_receive_maximum()
    {
        // Mosquitto announces max_inflight_messages as the MQTT 5 receive-maximum (the later line wins).
        await using var broker = await TestBrokers.StartAsync(TestBrokers.Mosquitto, new BrokerOptions { ExtraConfig = "max_inflight_messages 5" });
        await using var publisher = await TestClients.ConnectAsync(broker, configure: o => o.MaxInflight = 100);
        await using var subscriber = await TestClients.ConnectAsync(broker);
        var collector = new MessageCollector();
        await using var sub = await subscriber.SubscribeAsync("window/+", collector.Handler);

        const int total = 3000;
        for (var i = 0; i < total; i++)
        {
            Assert.True(publisher.Post($"window/{i % 4}", $"{i}", Qos.AtLeastOnce));
        }

        var peak = 0;
        await Eventually.WaitAsync(() =>
        {
            peak = Math.Max(peak, publisher.GetStats().Inflight);
            return collector.Count >= total;
        }, TimeSpan.FromSeconds(30), "every message was delivered");
        Assert.InRange(peak, 0, 5);
        Assert.Equal(total, collector.Messages.Select(m => m.PayloadAsString()).Distinct().Count());
    }
}
