using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.Discovery;

public sealed class RegistryDiscoveryTests
{
    [Fact]
    public async Task Zigbee2mqtt_configs_become_entities_grouped_by_device()
    {
        await using var ha = await OfflineRegistry.StartAsync();

        ha.Discover(RealWorld.Z2mLightConfigTopic, RealWorld.Z2mLightConfig);
        ha.Discover(RealWorld.Z2mTemperatureConfigTopic, RealWorld.Z2mTemperatureConfig);
        ha.Discover(RealWorld.Z2mHumidityConfigTopic, RealWorld.Z2mHumidityConfig);

        var light = ha.Entity("0x001788010b9a1c2d_light_zigbee2mqtt");
        Assert.Equal("light", light.Component);
        Assert.Equal("json", light.Schema);
        Assert.Null(light.Name);
        Assert.Equal("Living Room Lamp", light.DisplayName);
        Assert.Equal("0x001788010b9a1c2d", light.NodeId);
        Assert.Equal("light", light.ObjectId);
        Assert.Equal("Signify Netherlands B.V.", light.Device!.Manufacturer);
        Assert.Equal("zigbee2mqtt_bridge_0x00124b0022aabbcc", light.Device.ViaDevice);
        Assert.Equal(new OriginInfo("Zigbee2MQTT", "1.42.0", "https://www.zigbee2mqtt.io"), light.Origin);
        Assert.Equal(AvailabilityMode.All, light.AvailabilityMode);
        Assert.False(light.IsAvailable);

        var temperature = ha.Entity("0x00158d0001a2b3c4_temperature_zigbee2mqtt");
        Assert.Equal("°C", temperature.UnitOfMeasurement);
        Assert.Equal("temperature", temperature.DeviceClass);
        Assert.Same(temperature, ha.Entity("sensor/0x00158d0001a2b3c4/temperature"));

        var devices = ha.Registry.Devices.OrderBy(d => d.Name).ToList();
        Assert.Equal(["Bedroom Sensor", "Living Room Lamp"], devices.Select(d => d.Name));
        Assert.Equal(2, devices[0].Entities.Count);
        Assert.Equal("zigbee2mqtt_0x00158d0001a2b3c4", devices[0].Id);
        Assert.Equal("WSDCGQ11LM", devices[0].Info.ModelId);
        Assert.Equal(devices[0].Entities.Count, ha.Registry.GetDevice("zigbee2mqtt_0x00158d0001a2b3c4")!.Entities.Count);

        var stats = ha.Registry.GetStats();
        Assert.Equal(3, stats.Added);
        Assert.Equal(3, stats.Entities);
        Assert.Equal(2, stats.Devices);
        Assert.Equal(0, stats.Rejected);
    }

    [Fact]
    public async Task A_tasmota_config_is_read_through_its_abbreviations()
    {
        await using var ha = await OfflineRegistry.StartAsync();

        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        ha.Discover(RealWorld.TasmotaRssiConfigTopic, RealWorld.TasmotaRssiConfig);

        var relay = ha.Entity("A1B2C3_RL_1");
        Assert.Equal("switch", relay.Component);
        Assert.Equal("Kitchen Relay", relay.Name);
        Assert.Equal("cmnd/tasmota_A1B2C3/POWER", relay.Config.GetProperty("command_topic").GetString());
        Assert.Equal("tele/tasmota_A1B2C3/STATE", relay.Config.GetProperty("state_topic").GetString());
        Assert.Equal("Online", relay.Config.GetProperty("payload_available").GetString());
        Assert.Equal(["A1B2C3"], relay.Device!.Identifiers);
        Assert.Equal("Tasmota", relay.Device.Manufacturer);
        Assert.Equal("Sonoff Basic", relay.Device.Model);
        Assert.Equal("9.5.0(tasmota)", relay.Device.SwVersion);

        var rssi = ha.Entity("A1B2C3_rssi");
        Assert.Equal("tele/tasmota_A1B2C3/STATE", rssi.Config.GetProperty("state_topic").GetString());
        Assert.Equal("tele/tasmota_A1B2C3/LWT", rssi.Config.GetProperty("availability_topic").GetString());
        Assert.Equal("mdi:wifi", rssi.Config.GetProperty("icon").GetString());
        Assert.False(rssi.Config.TryGetProperty("~", out _));

        var kitchen = Assert.Single(ha.Registry.Devices);
        Assert.Equal("Kitchen", kitchen.Name);
        Assert.Equal(2, kitchen.Entities.Count);
    }

    [Fact]
    public async Task A_device_based_payload_fans_out_into_its_components()
    {
        await using var ha = await OfflineRegistry.StartAsync();

        ha.Discover(RealWorld.DeviceConfigTopic, RealWorld.DeviceConfig);

        Assert.Equal(3, ha.Registry.Entities.Count);
        var temperature = ha.Entity("temp01ae_t");
        Assert.Equal("sensor", temperature.Component);
        Assert.Equal("ea334450945afc", temperature.NodeId);
        Assert.Equal("some_unique_component_id1", temperature.ObjectId);
        Assert.Same(temperature, ha.Entity("sensor/ea334450945afc/some_unique_component_id1"));
        Assert.Equal("sensorBedroom/state", temperature.Config.GetProperty("state_topic").GetString());
        Assert.Equal(2, temperature.Config.GetProperty("qos").GetInt32());
        Assert.Equal("Bla electronics", temperature.Device!.Manufacturer);
        Assert.Equal("1.0rev2", temperature.Device.HwVersion);
        Assert.Equal("ea334450945afc", temperature.Device.SerialNumber);
        Assert.Equal(new OriginInfo("bla2mqtt", "2.1", "https://bla2mqtt.example.com/support"), temperature.Origin);

        var light = ha.Entity("bla_light_01");
        Assert.Equal("bla2mqtt/kitchen/light/set", light.Config.GetProperty("command_topic").GetString());
        Assert.Equal("bla2mqtt/kitchen/light/state", light.Config.GetProperty("state_topic").GetString());
        Assert.Equal(3, Assert.Single(ha.Registry.Devices).Entities.Count);

        ha.Discover(RealWorld.DeviceConfigTopic, RealWorld.DeviceConfigWithoutHumidity);
        Assert.False(ha.Registry.TryGetEntity("temp01ae_h", out _));
        Assert.Equal(2, ha.Registry.Entities.Count);

        ha.Discover(RealWorld.DeviceConfigTopic, string.Empty);
        Assert.Empty(ha.Registry.Entities);
        Assert.True(light.IsRemoved);
        Assert.Equal(3, ha.Registry.GetStats().Removed);
    }

    [Fact]
    public async Task A_device_payload_shares_its_topic_base_with_components_that_have_none()
    {
        await using var ha = await OfflineRegistry.StartAsync();

        ha.Discover("homeassistant/device/dev1/config", """
            {"dev":{"ids":["dev1"]},"o":{"name":"x"},"~":"home/dev1","stat_t":"~/state",
             "cmps":{"sw":{"p":"switch","cmd_t":"~/sw/set","uniq_id":"dev1_sw"},"own":{"p":"sensor","~":"other","stat_t":"~/s","uniq_id":"dev1_own"}}}
            """);

        Assert.Equal("home/dev1/sw/set", ha.Entity("dev1_sw").Config.GetProperty("command_topic").GetString());
        Assert.Equal("home/dev1/state", ha.Entity("dev1_sw").Config.GetProperty("state_topic").GetString());
        Assert.Equal("other/s", ha.Entity("dev1_own").Config.GetProperty("state_topic").GetString());
    }

    [Fact]
    public async Task An_update_replaces_the_config_of_the_same_entity()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        var relay = ha.Entity("A1B2C3_RL_1");

        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig.Replace("Kitchen Relay", "Pantry Relay", StringComparison.Ordinal));

        Assert.Same(relay, ha.Entity("A1B2C3_RL_1"));
        Assert.Equal("Pantry Relay", relay.Name);
        Assert.Single(ha.Registry.Entities);

        // The same unique id announced on another topic is the same entity, moved.
        ha.Discover("homeassistant/switch/kitchen/relay1/config", RealWorld.TasmotaRelayConfig.Replace("Kitchen Relay", "Moved", StringComparison.Ordinal));
        Assert.Same(relay, ha.Entity("A1B2C3_RL_1"));
        Assert.Equal("homeassistant/switch/kitchen/relay1/config", relay.DiscoveryTopic);
        Assert.Equal("Moved", relay.Name);
        Assert.Single(ha.Registry.Entities);

        var stats = ha.Registry.GetStats();
        Assert.Equal(1, stats.Added);
        Assert.Equal(2, stats.Updated);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    public async Task An_empty_payload_or_object_removes_the_entity(string payload)
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        var relay = ha.Entity("A1B2C3_RL_1");
        var removed = new TaskCompletionSource<HomeAssistantEntity>();
        ha.Registry.Removed += (_, e) => removed.TrySetResult(e.Entity);

        ha.Discover(RealWorld.TasmotaRelayConfigTopic, payload);

        Assert.Empty(ha.Registry.Entities);
        Assert.True(relay.IsRemoved);
        Assert.Same(relay, await removed.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData("homeassistant/switch/x/config", "not json", RejectionReason.InvalidJson)]
    [InlineData("homeassistant/switch/x/config", "{\"name\":", RejectionReason.InvalidJson)]
    [InlineData("homeassistant/switch/x/config", "[1,2]", RejectionReason.NotAnObject)]
    [InlineData("homeassistant/switch/x/config", "\"text\"", RejectionReason.NotAnObject)]
    [InlineData("homeassistant/switch/x/config", "42", RejectionReason.NotAnObject)]
    [InlineData("homeassistant/switch/x/config", "null", RejectionReason.NotAnObject)]
    [InlineData("homeassistant/switch/x/config", """{"name":"no command topic","stat_t":"s"}""", RejectionReason.MissingRequiredKey)]
    [InlineData("homeassistant/light/x/config", """{"stat_t":"s"}""", RejectionReason.MissingRequiredKey)]
    [InlineData("homeassistant/light/x/config", """{"cmd_t":"c","schema":"template"}""", RejectionReason.MissingRequiredKey)]
    [InlineData("homeassistant/sensor/x/config", """{"name":"no state topic"}""", RejectionReason.MissingRequiredKey)]
    [InlineData("homeassistant/select/x/config", """{"cmd_t":"c","ops":[]}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/switch/x/config", """{"cmd_t":"c/+/set"}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/switch/x/config", """{"cmd_t":42}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/sensor/x/config", """{"stat_t":"a/#/b"}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/switch/x/config", """{"cmd_t":"c","qos":3}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/switch/x/config", """{"cmd_t":"c","avty_t":"a","avty":[{"t":"b"}]}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/switch/x/config", """{"cmd_t":"c","avty":[{"pl_avail":"on"}]}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/switch/x/config", """{"cmd_t":"c","avty_t":"a","avty_mode":"most"}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/switch/x/config", """{"cmd_t":"c","dev":{"name":"no ids"}}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/switch/x/config", """{"cmd_t":"c","dev":"not a mapping"}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/switch/x/config", """{"cmd_t":"c","o":{"sw":"1.0"}}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/light/x/config", """{"cmd_t":"c","schema":"fancy"}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/light/x/config", """{"cmd_t":"c","on_cmd_type":"sometimes"}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/toaster/x/config", """{"cmd_t":"c"}""", RejectionReason.UnknownComponent)]
    [InlineData("homeassistant/switch/bad id/config", """{"cmd_t":"c"}""", RejectionReason.IllegalTopic)]
    [InlineData("homeassistant/switch/a/b/c/config", """{"cmd_t":"c"}""", RejectionReason.IllegalTopic)]
    [InlineData("homeassistant/device/d/config", """{"o":{"name":"x"},"cmps":{}}""", RejectionReason.MissingRequiredKey)]
    [InlineData("homeassistant/device/d/config", """{"dev":{"ids":"d"},"cmps":{}}""", RejectionReason.MissingRequiredKey)]
    [InlineData("homeassistant/device/d/config", """{"dev":{"ids":"d"},"o":{"name":"x"}}""", RejectionReason.MissingRequiredKey)]
    [InlineData("homeassistant/device/d/config", """{"dev":{"ids":"d"},"o":{"name":"x"},"cmps":[]}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/device/d/config", """{"dev":{"ids":"d"},"o":{"name":"x"},"cmps":{"a":{"stat_t":"s","uniq_id":"u"}}}""", RejectionReason.MissingRequiredKey)]
    [InlineData("homeassistant/device/d/config", """{"dev":{"ids":"d"},"o":{"name":"x"},"cmps":{"a":{"p":"toaster","uniq_id":"u"}}}""", RejectionReason.UnknownComponent)]
    [InlineData("homeassistant/device/d/config", """{"dev":{"ids":"d"},"o":{"name":"x"},"cmps":{"a":{"p":"sensor","stat_t":"s"}}}""", RejectionReason.MissingRequiredKey)]
    [InlineData("homeassistant/device/d/config", """{"dev":{"ids":"d"},"o":{"name":"x"},"cmps":{"a":{"p":"switch","uniq_id":"u"}}}""", RejectionReason.MissingRequiredKey)]
    [InlineData("homeassistant/device/d/config", """{"dev":{"ids":"d"},"o":{"name":"x"},"cmps":{"a":"nope"}}""", RejectionReason.InvalidValue)]
    [InlineData("homeassistant/device/d/config", """{"dev":{"ids":"d"},"o":{"name":"x"},"cmps":{"a.b":{"p":"sensor","stat_t":"s","uniq_id":"u"}}}""", RejectionReason.InvalidValue)]
    public async Task Malformed_messages_are_counted_and_logged_not_thrown(string topic, string payload, RejectionReason reason)
    {
        await using var ha = await OfflineRegistry.StartAsync();

        ha.Discover(topic, payload);

        Assert.Empty(ha.Registry.Entities);
        var stats = ha.Registry.GetStats();
        Assert.Equal(1, stats.Rejected);
        Assert.Equal(1, stats.RejectedByReason[reason]);
        var rejection = Assert.Single(ha.Registry.Rejections);
        Assert.Equal(topic, rejection.Topic);
        Assert.Equal(reason, rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Detail));

        // The registry carries on.
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        Assert.Single(ha.Registry.Entities);
    }

    [Fact]
    public async Task One_bad_component_does_not_take_its_siblings_down()
    {
        await using var ha = await OfflineRegistry.StartAsync();

        ha.Discover("homeassistant/device/d/config", """{"dev":{"ids":"d"},"o":{"name":"x"},"cmps":{"good":{"p":"sensor","stat_t":"s","uniq_id":"g"},"bad":{"p":"switch","uniq_id":"b"}}}""");

        Assert.Equal("g", Assert.Single(ha.Registry.Entities).Id);
        Assert.Equal("bad", Assert.Single(ha.Registry.Rejections).Component);
    }

    [Fact]
    public async Task A_unique_id_taken_by_another_component_is_refused()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/sensor/a/config", """{"stat_t":"s","uniq_id":"same"}""");

        ha.Discover("homeassistant/switch/b/config", """{"cmd_t":"c","uniq_id":"same"}""");

        Assert.Equal("sensor", Assert.Single(ha.Registry.Entities).Component);
        Assert.Equal(RejectionReason.DuplicateUniqueId, Assert.Single(ha.Registry.Rejections).Reason);
    }

    [Fact]
    public async Task Other_topics_under_the_prefix_are_ignored()
    {
        await using var ha = await OfflineRegistry.StartAsync();

        ha.Discover("homeassistant/status", "online");
        ha.Discover("homeassistant/sensor/x/state", "12");

        var stats = ha.Registry.GetStats();
        Assert.Equal(2, stats.Ignored);
        Assert.Equal(0, stats.Rejected);
    }

    [Fact]
    public async Task The_rejection_history_is_bounded()
    {
        await using var ha = await OfflineRegistry.StartAsync(new HomeAssistantOptions { RejectionHistory = 3 });

        for (var i = 0; i < 10; i++)
        {
            ha.Discover($"homeassistant/switch/x{i}/config", "nope");
        }

        Assert.Equal(["homeassistant/switch/x7/config", "homeassistant/switch/x8/config", "homeassistant/switch/x9/config"], ha.Registry.Rejections.Select(r => r.Topic));
        Assert.Equal(10, ha.Registry.GetStats().Rejected);
    }

    [Fact]
    public async Task Events_are_raised_off_the_dispatch_path_and_a_throwing_handler_is_counted()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var discovered = new TaskCompletionSource<EntityDiscoveredEventArgs>();
        ha.Registry.Discovered += (_, _) => throw new InvalidOperationException("handler bug");
        ha.Registry.Discovered += (_, e) => discovered.TrySetResult(e);

        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);

        // The first handler threw, so the multicast stopped there; the registry logged and counted it.
        await Eventually.WaitAsync(() => ha.Registry.GetStats().HandlerErrors == 1, "the throwing handler is counted");
        Assert.False(discovered.Task.IsCompleted);
        Assert.Single(ha.Registry.Entities);
    }

    [Fact]
    public async Task WaitForEntity_completes_when_the_entity_arrives()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var waiting = ha.Registry.WaitForEntityAsync("A1B2C3_RL_1");
        Assert.False(waiting.IsCompleted);

        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);

        Assert.Equal("Kitchen Relay", (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Name);
    }

    [Fact]
    public async Task A_registry_option_can_change_the_prefix()
    {
        await using var ha = await OfflineRegistry.StartAsync(new HomeAssistantOptions { DiscoveryPrefix = "ha" });

        ha.Discover("ha/switch/r/config", """{"cmd_t":"c"}""");
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);

        Assert.Equal("switch/r", Assert.Single(ha.Registry.Entities).Id);
    }
}
