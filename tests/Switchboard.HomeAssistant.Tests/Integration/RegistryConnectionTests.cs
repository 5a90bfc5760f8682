using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Faults;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.Integration;

/// <summary>The registry across the client's connection lifecycle.</summary>
public sealed class RegistryConnectionTests
{
    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_registry_started_before_the_client_connects_fills_once_it_does(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var tasmota = await RawMqttPeer.ConnectAsync(broker, "tasmota");
        await tasmota.PublishAsync(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig, retain: true);
        await tasmota.PublishAsync(RealWorld.TasmotaLwt, "Online", retain: true);
        await tasmota.PublishAsync(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOn, retain: true);
        await using var client = new SwitchboardClient(new SwitchboardOptions { Url = broker.Url, ClientId = "early-registry", DrainTimeout = TimeSpan.FromSeconds(1) });
        await using var registry = new HomeAssistantRegistry(client);

        await registry.StartAsync(cancellationToken: budget.Token);
        await client.ConnectAsync(cancellationToken: budget.Token);

        var relay = await registry.WaitForEntityAsync("A1B2C3_RL_1", cancellationToken: budget.Token).WithTimeout("the relay after connecting");
        await Eventually.WaitAsync(() => relay.IsAvailable && relay.State.IsOn == true, "its retained availability and state");
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task The_registry_keeps_following_state_after_the_connection_drops(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var proxy = TcpFaultProxy.For(broker);
        await using var tasmota = await RawMqttPeer.ConnectAsync(broker, "tasmota");
        await tasmota.PublishAsync(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig, retain: true);
        await tasmota.PublishAsync(RealWorld.TasmotaLwt, "Online", retain: true);
        await using var client = new SwitchboardClient(new SwitchboardOptions
        {
            Url = proxy.Url,
            ClientId = "resilient-registry",
            KeepAlive = TimeSpan.FromSeconds(5),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            DrainTimeout = TimeSpan.FromSeconds(1),
        });
        await client.ConnectAsync(cancellationToken: budget.Token);
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync(cancellationToken: budget.Token);
        var relay = await registry.WaitForEntityAsync("A1B2C3_RL_1", cancellationToken: budget.Token).WithTimeout("the relay");

        // The retained LWT arrives once the entity's topics are subscribed (state first, availability last).
        await Eventually.WaitAsync(() => relay.IsAvailable, "the retained LWT");
        await tasmota.PublishAsync(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOn);
        await Eventually.WaitAsync(() => relay.State.IsOn == true, "the first state");
        var reconnects = client.GetStats().Reconnects;

        proxy.CutAll();
        await Eventually.WaitAsync(() => client.GetStats().Reconnects > reconnects && client.State == ConnectionState.Connected, "the client reconnects");
        await tasmota.PublishAsync(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOff);

        await Eventually.WaitAsync(() => relay.State.IsOn == false, "a state published after the reconnect");
        Assert.Single(registry.Entities);
        Assert.True(relay.IsAvailable);
    }
}
