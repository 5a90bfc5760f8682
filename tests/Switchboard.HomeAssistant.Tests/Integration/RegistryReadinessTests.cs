using System.Globalization;
using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Faults;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.Integration;

/// <summary>WaitUntilReadyAsync and WhenIdleAsync against real brokers: no polling, the assertions right after them.</summary>
public sealed class RegistryReadinessTests
{
    private const int Switches = 40;

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Once_ready_every_retained_config_and_state_is_in_and_messages_sent_right_after_are_not_missed(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var peer = await RawMqttPeer.ConnectAsync(broker, "devices");
        for (var i = 0; i < Switches; i++)
        {
            await peer.PublishAsync($"homeassistant/switch/relay{i}/config", $$"""{"cmd_t":"relay/{{i}}/set","stat_t":"relay/{{i}}/state","avty_t":"relay/{{i}}/lwt"}""", retain: true);
        }

        await peer.PublishAsync("relay/0/state", "ON", retain: true);
        await peer.PublishAsync("relay/0/lwt", "online", retain: true);
        await peer.PublishAsync(RealWorld.Z2mTriggerSingleTopic, RealWorld.Z2mTriggerSingle, retain: true);
        await peer.PublishAsync(RealWorld.EspHomeDoorbellTopic, RealWorld.EspHomeDoorbell, retain: true);
        await peer.PublishAsync(RealWorld.TasmotaTagScannerTopic, RealWorld.TasmotaTagScanner, retain: true);
        await peer.PublishAsync(RealWorld.EspHomeDoorbellState, """{"event_type":"long_press"}""", retain: true);   // old: never raised
        await using var client = await Clients.ConnectAsync(broker, Clients.Id("ready"), health: false);
        await using var registry = new HomeAssistantRegistry(client);
        var seen = Record(registry);

        await registry.StartAsync(budget.Token);
        await registry.WaitUntilReadyAsync(budget.Token);

        Assert.True(registry.IsReady);
        Assert.Equal(Switches + 3, registry.Entities.Count);
        var first = registry.GetEntity("switch/relay0");
        Assert.Equal(true, first.State.IsOn);
        Assert.True(first.IsAvailable);
        Assert.Empty(Snapshot(seen));

        // Not retained: lost unless every entity topic was already subscribed.
        for (var i = 0; i < Switches; i++)
        {
            await peer.PublishAsync($"relay/{i}/state", "OFF");
        }

        await peer.PublishAsync(RealWorld.Z2mSwitchAction, "single");
        await peer.PublishAsync(RealWorld.TasmotaTagTopic, RealWorld.TasmotaTagRead);
        await peer.PublishAsync(RealWorld.EspHomeDoorbellState, """{"event_type":"single_press","duration":0.3}""");
        await registry.WhenIdleAsync(budget.Token);

        Assert.All(Enumerable.Range(0, Switches), i => Assert.Equal(false, registry.GetEntity($"switch/relay{i}").State.IsOn));
        Assert.Equal(
            [
                "trigger device_automation/0x0017880104e45517/action_single action/single",
                "tag tag/0AFFD2 E9F35959",
                "event ESPeventdoorbell single_press 0.3",
            ],
            Snapshot(seen));
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_registry_started_before_the_client_connects_becomes_ready_once_it_has_and_WhenIdle_sees_a_new_device(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var tasmota = await RawMqttPeer.ConnectAsync(broker, "tasmota");
        await tasmota.PublishAsync(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig, retain: true);
        await tasmota.PublishAsync(RealWorld.TasmotaLwt, "Online", retain: true);
        await using var client = new SwitchboardClient(new SwitchboardOptions { Url = broker.Url, ClientId = Clients.Id("early"), DrainTimeout = TimeSpan.FromSeconds(1) });
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync(budget.Token);
        var ready = registry.WaitUntilReadyAsync(budget.Token);
        Assert.False(ready.IsCompleted);

        await client.ConnectAsync(budget.Token);
        await ready;

        var relay = registry.GetEntity("A1B2C3_RL_1");
        Assert.True(relay.IsAvailable);

        // A device announced later, with its retained state: WhenIdle covers the config, the subscription and the state.
        await tasmota.PublishAsync("late/state", "ON", retain: true);
        await tasmota.PublishAsync("homeassistant/switch/late/config", """{"cmd_t":"late/set","stat_t":"late/state"}""", retain: true);
        await registry.WhenIdleAsync(budget.Token);

        Assert.Equal(true, registry.GetEntity("switch/late").State.IsOn);
        await tasmota.PublishAsync("late/state", "OFF");
        await registry.WhenIdleAsync(budget.Token);
        Assert.Equal(false, registry.GetEntity("switch/late").State.IsOn);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Readiness_survives_a_connection_cut_while_it_is_being_reached(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var proxy = TcpFaultProxy.For(broker);
        await using var tasmota = await RawMqttPeer.ConnectAsync(broker, "tasmota");
        await tasmota.PublishAsync(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig, retain: true);
        await tasmota.PublishAsync(RealWorld.TasmotaLwt, "Online", retain: true);
        await using var client = Clients.QuickToReconnect(proxy.Url, Clients.Id("cut"));
        await client.ConnectAsync(budget.Token);
        await using var registry = new HomeAssistantRegistry(client);
        var reconnects = client.GetStats().Reconnects;

        // The subscriptions go into a connection that passes nothing and is then cut: the reconnect must make them.
        proxy.Stall();
        var starting = registry.StartAsync(budget.Token);
        proxy.CutAll();
        proxy.Resume();
        await starting;
        await registry.WaitUntilReadyAsync(budget.Token);

        Assert.True(client.GetStats().Reconnects > reconnects);
        var relay = registry.GetEntity("A1B2C3_RL_1");
        Assert.True(relay.IsAvailable);
        await tasmota.PublishAsync(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOn);
        await registry.WhenIdleAsync(budget.Token);
        Assert.Equal(true, relay.State.IsOn);
    }

    [Fact]
    public async Task Disposing_a_registry_that_never_became_ready_fails_its_waits()
    {
        var ha = await OfflineRegistry.StartAsync();
        var ready = ha.Registry.WaitUntilReadyAsync();

        await ha.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => ready.WithTimeout("the wait ends with the registry"));
        Assert.False(ha.Registry.IsReady);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ha.Registry.WhenIdleAsync());
    }

    private static List<string> Record(HomeAssistantRegistry registry)
    {
        var seen = new List<string>();
        void Add(string text)
        {
            lock (seen)
            {
                seen.Add(text);
            }
        }

        registry.TriggerFired += (_, e) => Add($"trigger {e.Trigger.Id} {e.Type}/{e.Subtype}");
        registry.TagScanned += (_, e) => Add($"tag {e.Scanner.Id} {e.TagId}");
        registry.EventReceived += (_, e) => Add($"event {e.Entity.Id} {e.EventType} {(e.Attributes.TryGetValue("duration", out var d) ? d.GetDouble().ToString(CultureInfo.InvariantCulture) : "-")}");
        return seen;
    }

    private static List<string> Snapshot(List<string> seen)
    {
        lock (seen)
        {
            return [.. seen];
        }
    }
}
