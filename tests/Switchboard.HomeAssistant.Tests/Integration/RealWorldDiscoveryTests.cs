using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.Integration;

/// <summary>Zigbee2MQTT, Tasmota and device-based publishers on a real broker; a registry on another connection.</summary>
public sealed class RealWorldDiscoveryTests
{
    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Zigbee2mqtt_devices_are_discovered_with_live_state_and_availability(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var z2m = await RawMqttPeer.ConnectAsync(broker, "z2m");
        await z2m.PublishAsync(RealWorld.Z2mLightConfigTopic, RealWorld.Z2mLightConfig, retain: true);
        await z2m.PublishAsync(RealWorld.Z2mTemperatureConfigTopic, RealWorld.Z2mTemperatureConfig, retain: true);
        await z2m.PublishAsync(RealWorld.Z2mHumidityConfigTopic, RealWorld.Z2mHumidityConfig, retain: true);
        await z2m.PublishAsync(RealWorld.Z2mBridgeState, RealWorld.Z2mOnline, retain: true);
        await z2m.PublishAsync(RealWorld.Z2mSensorTopic + "/availability", RealWorld.Z2mOnline, retain: true);
        await z2m.PublishAsync(RealWorld.Z2mLampTopic + "/availability", RealWorld.Z2mOnline, retain: true);
        await z2m.PublishAsync(RealWorld.Z2mSensorTopic, RealWorld.Z2mSensorState, retain: true);
        await z2m.PublishAsync(RealWorld.Z2mLampTopic, RealWorld.Z2mLightState, retain: true);

        await using var client = await Clients.ConnectAsync(broker, "registry", health: false);
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync(cancellationToken: budget.Token);

        var temperature = await registry.WaitForEntityAsync("0x00158d0001a2b3c4_temperature_zigbee2mqtt", cancellationToken: budget.Token).WithTimeout("the temperature sensor");
        var lamp = await registry.WaitForEntityAsync("0x001788010b9a1c2d_light_zigbee2mqtt", cancellationToken: budget.Token).WithTimeout("the lamp");
        await Eventually.WaitAsync(() => temperature.State.NumericValue == 21.5 && temperature.IsAvailable, "the retained temperature and availability arrive");
        Assert.Equal("°C", temperature.State.Unit);
        await Eventually.WaitAsync(() => lamp.State.IsOn == true && lamp.IsAvailable, "the lamp's retained state arrives");
        Assert.Equal(255, lamp.State.Brightness);
        Assert.Equal(370, lamp.State.ColorTempMireds);
        Assert.Equal(new XyColor(0.4599, 0.4106), lamp.State.Xy);
        await Eventually.WaitAsync(() => registry.GetEntity("0x00158d0001a2b3c4_humidity_zigbee2mqtt").State.NumericValue == 48.12, "the humidity");
        Assert.Equal(2, registry.Devices.Count);

        var wentOffline = new TaskCompletionSource<EntityAvailabilityChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        registry.AvailabilityChanged += (_, e) =>
        {
            if (e.Entity == temperature && !e.IsAvailable)
            {
                wentOffline.TrySetResult(e);
            }
        };
        await z2m.PublishAsync(RealWorld.Z2mSensorTopic, RealWorld.Z2mSensorBatteryOnly);
        await z2m.PublishAsync(RealWorld.Z2mBridgeState, RealWorld.Z2mOffline, retain: true);
        var offline = await wentOffline.Task.WithTimeout("the bridge going offline to make the sensor unavailable");
        Assert.Equal(RealWorld.Z2mBridgeState, offline.Topic);
        Assert.Equal(21.5, temperature.State.NumericValue);
        Assert.False(lamp.IsAvailable);

        await z2m.PublishAsync(RealWorld.Z2mBridgeState, RealWorld.Z2mOnline, retain: true);
        await z2m.PublishAsync(RealWorld.Z2mSensorTopic, RealWorld.Z2mSensorState.Replace("21.5", "22.25", StringComparison.Ordinal));
        await Eventually.WaitAsync(() => temperature.IsAvailable && temperature.State.NumericValue == 22.25, "the sensor back online with a new value");
        Assert.Equal(0, client.GetStats().HandlerErrors);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_tasmota_relay_is_read_through_abbreviations_and_controlled_on_its_command_topic(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var tasmota = await RawMqttPeer.ConnectAsync(broker, "tasmota_A1B2C3");
        await tasmota.SubscribeAsync("cmnd/tasmota_A1B2C3/#");
        await tasmota.PublishAsync(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig, retain: true);
        await tasmota.PublishAsync(RealWorld.TasmotaRssiConfigTopic, RealWorld.TasmotaRssiConfig, retain: true);
        await tasmota.PublishAsync(RealWorld.TasmotaLwt, "Online", retain: true);
        await tasmota.PublishAsync(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOn);

        await using var client = await Clients.ConnectAsync(broker, "registry", health: false);
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync(cancellationToken: budget.Token);
        var relay = await registry.WaitForEntityAsync("A1B2C3_RL_1", cancellationToken: budget.Token).WithTimeout("the relay");
        var rssi = await registry.WaitForEntityAsync("A1B2C3_rssi", cancellationToken: budget.Token).WithTimeout("the rssi sensor");
        await Eventually.WaitAsync(() => relay.IsAvailable && rssi.IsAvailable, "the retained LWT says Online");

        await tasmota.PublishAsync(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOn);
        await Eventually.WaitAsync(() => relay.State.IsOn == true && rssi.State.Value == "76", "the relay state and rssi");
        Assert.Equal("home", rssi.State.Attributes["Wifi"].GetProperty("SSId").GetString());

        await relay.AsSwitch().TurnOffAsync(cancellationToken: budget.Token);
        var command = await tasmota.WaitForAsync(m => m.Topic == RealWorld.TasmotaCommand, "the OFF command");
        Assert.Equal(new RawMessage(RealWorld.TasmotaCommand, "OFF", Retain: false, Qos: 0), command);

        await tasmota.PublishAsync(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOff);
        await Eventually.WaitAsync(() => relay.State.IsOn == false, "the relay reports off");

        await tasmota.PublishAsync(RealWorld.TasmotaLwt, "Offline", retain: true);
        await Eventually.WaitAsync(() => !relay.IsAvailable && !rssi.IsAvailable, "the LWT says Offline");
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_device_based_payload_is_discovered_updated_and_removed(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var device = await RawMqttPeer.ConnectAsync(broker, "bla2mqtt");
        await device.PublishAsync(RealWorld.DeviceConfigTopic, RealWorld.DeviceConfig, retain: true);
        await device.PublishAsync("sensorBedroom/state", """{"temperature":19.5,"humidity":55}""", retain: true);

        await using var client = await Clients.ConnectAsync(broker, "registry", health: false);
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync(cancellationToken: budget.Token);
        var temperature = await registry.WaitForEntityAsync("temp01ae_t", cancellationToken: budget.Token).WithTimeout("the temperature component");
        var humidity = await registry.WaitForEntityAsync("temp01ae_h", cancellationToken: budget.Token).WithTimeout("the humidity component");
        await Eventually.WaitAsync(() => temperature.State.NumericValue == 19.5 && humidity.State.NumericValue == 55, "the shared state topic");
        Assert.Equal(3, Assert.Single(registry.Devices).Entities.Count);

        await device.PublishAsync(RealWorld.DeviceConfigTopic, RealWorld.DeviceConfigWithoutHumidity, retain: true);
        await Eventually.WaitAsync(() => humidity.IsRemoved && registry.Entities.Count == 2, "the humidity component reduced to its platform is removed");

        await device.PublishAsync(RealWorld.DeviceConfigTopic, string.Empty, retain: true);
        await Eventually.WaitAsync(() => registry.Entities.Count == 0, "the empty payload removes the device's components");
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Malformed_discovery_messages_are_counted_and_never_reach_the_client_as_handler_errors(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var client = await Clients.ConnectAsync(broker, "registry", health: false);
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync(cancellationToken: budget.Token);
        await using var publisher = await RawMqttPeer.ConnectAsync(broker, "garbage");

        await publisher.PublishAsync("homeassistant/switch/a/config", "{not json");
        await publisher.PublishAsync("homeassistant/switch/b/config", "[]");
        await publisher.PublishAsync("homeassistant/switch/c/config", """{"name":"no command topic"}""");
        await publisher.PublishAsync("homeassistant/toaster/d/config", """{"cmd_t":"x"}""");
        await publisher.PublishAsync("homeassistant/switch/too/many/levels/config", """{"cmd_t":"x"}""");
        await publisher.PublishAsync("homeassistant/device/e/config", """{"cmps":{}}""");
        await publisher.PublishAsync(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);

        await registry.WaitForEntityAsync("A1B2C3_RL_1", cancellationToken: budget.Token).WithTimeout("the good config after the bad ones");
        var stats = registry.GetStats();
        Assert.Equal(6, stats.Rejected);
        Assert.Equal(1, stats.RejectedByReason[RejectionReason.InvalidJson]);
        Assert.Equal(1, stats.RejectedByReason[RejectionReason.NotAnObject]);
        Assert.Equal(2, stats.RejectedByReason[RejectionReason.MissingRequiredKey]);
        Assert.Equal(1, stats.RejectedByReason[RejectionReason.UnknownComponent]);
        Assert.Equal(1, stats.RejectedByReason[RejectionReason.IllegalTopic]);
        Assert.Equal(0, client.GetStats().HandlerErrors);
    }
}
