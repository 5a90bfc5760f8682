using MQTTnet.Protocol;
using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;
using static Switchboard.HomeAssistant.Tests.Payloads.TasmotaPayloads;

namespace Switchboard.HomeAssistant.Tests.Integration;

/// <summary>A fake Tasmota device speaking Tasmota's own discovery on a real broker; a registry on another connection.</summary>
public sealed class TasmotaIntegrationTests
{
    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_tasmota_device_is_discovered_read_controlled_and_goes_offline_with_its_lwt(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var device = await RawMqttPeer.ConnectAsync(broker, "tasmota_345678");
        await device.SubscribeAsync("cmnd/tasmota_345678/#");
        await device.PublishAsync(PowConfigTopic, PowConfig, retain: true);
        await device.PublishAsync(PowSensorsTopic, PowSensors, retain: true);
        await device.PublishAsync("tele/tasmota_345678/LWT", "Online", retain: true);

        await using var client = await Clients.ConnectAsync(broker, "registry", health: false);
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync(cancellationToken: budget.Token);

        // Readiness covers the retained Tasmota configs and the retained LWT of the entities they made.
        await registry.WaitUntilReadyAsync(budget.Token).WithTimeout("the registry to be ready");
        var relay = registry.GetEntity("A4CF12345678_switch_relay_0");
        var power = registry.GetEntity("A4CF12345678_sensor_sensor_ENERGY_Power");
        var voltage = registry.GetEntity("A4CF12345678_sensor_sensor_ENERGY_Voltage");
        Assert.True(relay.IsAvailable);
        Assert.True(power.IsAvailable);
        Assert.Equal(11, registry.Entities.Count);
        var washer = Assert.Single(registry.Devices);
        Assert.Equal("Washer", washer.Name);

        await device.PublishAsync("stat/tasmota_345678/RESULT", """{"POWER":"ON"}""");
        await device.PublishAsync("tele/tasmota_345678/SENSOR", PowTelemetry);
        await registry.WhenIdleAsync(budget.Token).WithTimeout("the state messages to be applied");
        Assert.True(relay.State.IsOn);
        Assert.Equal(1850, power.State.NumericValue);
        Assert.Equal("W", power.State.Unit);
        Assert.Equal(229, voltage.State.NumericValue);

        await relay.AsSwitch().TurnOffAsync(budget.Token);
        var off = await device.WaitForAsync(m => m.Topic.StartsWith("cmnd/", StringComparison.Ordinal), "the OFF command");
        Assert.Equal(new RawMessage("cmnd/tasmota_345678/Power1", "OFF", Retain: false, Qos: 0), off);
        device.Clear();
        await registry.Control("switch/A4CF12345678/relay_0").AsSwitch().TurnOnAsync(budget.Token);
        var on = await device.WaitForAsync(m => m.Topic.StartsWith("cmnd/", StringComparison.Ordinal), "the ON command");
        Assert.Equal(new RawMessage("cmnd/tasmota_345678/Power1", "ON", Retain: false, Qos: 0), on);

        await device.PublishAsync("tele/tasmota_345678/STATE", """{"Time":"2024-03-01T12:06:00","POWER":"OFF"}""");
        await device.PublishAsync("tele/tasmota_345678/LWT", "Offline", retain: true);
        await registry.WhenIdleAsync(budget.Token).WithTimeout("the LWT to be applied");
        Assert.False(relay.State.IsOn);
        Assert.False(relay.IsAvailable);
        Assert.False(power.IsAvailable);

        // The device's config cleared (as Home Assistant does when the device is deleted): its entities go.
        await device.PublishAsync(PowConfigTopic, string.Empty, retain: true);
        await registry.WhenIdleAsync(budget.Token).WithTimeout("the removal to be applied");
        Assert.Empty(registry.Entities);
        Assert.True(relay.IsRemoved);
        Assert.Equal(0, registry.GetStats().Rejected);
        Assert.Equal(0, client.GetStats().HandlerErrors);
    }

    [Fact]
    public async Task A_broker_that_refuses_the_tasmota_subscription_leaves_home_assistant_discovery_working()
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = new EmbeddedBroker(configure: server => server.InterceptingSubscriptionAsync += e =>
        {
            if (e.TopicFilter.Topic.StartsWith("tasmota/", StringComparison.Ordinal))
            {
                e.ProcessSubscription = false;
                e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            }

            return Task.CompletedTask;
        });
        await broker.StartAsync();
        await using var device = await RawMqttPeer.ConnectAsync(broker, "tasmota_345678");
        await device.PublishAsync(PowConfigTopic, PowConfig, retain: true);
        await device.PublishAsync("homeassistant/switch/plug/config", """{"name":"Plug","command_topic":"plug/set","state_topic":"plug/state"}""", retain: true);

        await using var client = await Clients.ConnectAsync(broker, "registry", health: false);
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync(cancellationToken: budget.Token);
        await registry.WaitUntilReadyAsync(budget.Token).WithTimeout("the registry to be ready");

        Assert.Equal("switch/plug", Assert.Single(registry.Entities).Id);
    }
}
