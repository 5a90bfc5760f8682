using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.Integration;

public sealed class DebugInfoIntegrationTests
{
    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Debug_info_records_what_the_broker_delivered_and_what_the_controls_published(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var tasmota = await RawMqttPeer.ConnectAsync(broker, "tasmota");
        await tasmota.PublishAsync(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig, retain: true);
        await tasmota.PublishAsync(RealWorld.TasmotaLwt, "Online", retain: true);
        await using var client = await Clients.ConnectAsync(broker, Clients.Id("debug"), health: false);
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync(budget.Token);
        await registry.WaitUntilReadyAsync(budget.Token);
        var relay = registry.GetEntity("A1B2C3_RL_1");

        await relay.AsSwitch().TurnOnAsync(budget.Token);
        await relay.AsSwitch().TurnOffAsync(budget.Token);
        await tasmota.PublishAsync(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOff);
        await registry.WhenIdleAsync(budget.Token);

        var info = relay.GetDebugInfo();
        Assert.Equal(RealWorld.TasmotaRelayConfig, info.DiscoveryPayload);
        var published = Assert.Single(info.Published);
        Assert.Equal(RealWorld.TasmotaCommand, published.Topic);
        Assert.Equal(["ON", "OFF"], published.Messages.Select(m => m.Payload));
        var lwt = Assert.Single(info.Subscriptions.Single(s => s.Topic == RealWorld.TasmotaLwt).Messages);
        Assert.True(lwt.Retain);
        var state = Assert.Single(info.Subscriptions.Single(s => s.Topic == RealWorld.TasmotaState).Messages);
        Assert.False(state.Retain);
        Assert.Equal(RealWorld.TasmotaStatePowerOff, state.Payload);
    }
}
