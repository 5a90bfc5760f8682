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
        await using var client = Clients.QuickToReconnect(proxy.Url, "resilient-registry");
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

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Entities_are_unavailable_while_the_client_is_disconnected_and_available_again_once_it_reconnects(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var proxy = TcpFaultProxy.For(broker);
        await using var tasmota = await RawMqttPeer.ConnectAsync(broker, "tasmota");
        await tasmota.PublishAsync(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig, retain: true);
        await tasmota.PublishAsync(RealWorld.TasmotaLwt, "Online", retain: true);
        await tasmota.PublishAsync("homeassistant/switch/plain/config", """{"cmd_t":"plain/set","stat_t":"plain/state"}""", retain: true);
        await using var client = Clients.QuickToReconnect(proxy.Url, "connection-availability");
        await client.ConnectAsync(cancellationToken: budget.Token);
        await using var registry = new HomeAssistantRegistry(client);
        var changes = new List<(string Id, bool Available, string Topic)>();
        registry.AvailabilityChanged += (_, e) =>
        {
            lock (changes)
            {
                changes.Add((e.Entity.Id, e.IsAvailable, e.Topic));
            }
        };
        await registry.StartAsync(cancellationToken: budget.Token);
        var relay = await registry.WaitForEntityAsync("A1B2C3_RL_1", cancellationToken: budget.Token).WithTimeout("the relay");
        var plain = await registry.WaitForEntityAsync("switch/plain", cancellationToken: budget.Token).WithTimeout("the plain switch");
        await Eventually.WaitAsync(() => relay.IsAvailable && plain.IsAvailable, "the retained LWT", budget.Token);
        var reconnects = client.GetStats().Reconnects;

        // Refused, the client stays down long enough to be seen down.
        proxy.RefuseNew = true;
        proxy.CutAll();

        await Eventually.WaitAsync(() => client.State != ConnectionState.Connected, "the client notices the cut", budget.Token);
        await Eventually.WaitAsync(() => !relay.IsAvailable && !plain.IsAvailable, "both entities unavailable while disconnected", budget.Token);
        await Eventually.WaitAsync(() => Seen(false, "A1B2C3_RL_1") && Seen(false, "switch/plain"), "AvailabilityChanged(false) for both", budget.Token);

        proxy.RefuseNew = false;

        await Eventually.WaitAsync(() => client.GetStats().Reconnects > reconnects && client.State == ConnectionState.Connected, "the client reconnects", budget.Token);
        await Eventually.WaitAsync(() => relay.IsAvailable && plain.IsAvailable, "both entities available again", budget.Token);
        await Eventually.WaitAsync(() => Seen(true, "A1B2C3_RL_1") && Seen(true, "switch/plain"), "AvailabilityChanged(true) for both", budget.Token);

        bool Seen(bool available, string id)
        {
            lock (changes)
            {
                // The relay's first "up" came from its LWT; the connection's changes carry no topic.
                return changes.Any(c => c.Id == id && c.Available == available && c.Topic.Length == 0);
            }
        }
    }
}
