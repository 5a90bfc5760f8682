using System.Text.Json.Nodes;
using Switchboard.HomeAssistant.Tests.Support;
using static Switchboard.HomeAssistant.Tests.Payloads.TasmotaPayloads;

namespace Switchboard.HomeAssistant.Tests.Tasmota;

/// <summary>Tasmota's own discovery mapped to entities as hatasmota (Home Assistant's Tasmota integration) maps it.</summary>
public sealed class TasmotaDiscoveryTests
{
    [Fact]
    public async Task A_relay_is_a_switch_with_hatasmota_ids_device_and_lwt_availability()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(PowConfigTopic, PowConfig);

        var relay = ha.Entity("A4CF12345678_switch_relay_0");
        Assert.Same(relay, ha.Entity("switch/A4CF12345678/relay_0"));
        Assert.Equal("switch", relay.Component);
        Assert.Equal(PowConfigTopic, relay.DiscoveryTopic);
        Assert.Null(relay.Name); // fn[0] is the device name: the entity takes the device's
        Assert.Equal("Washer", relay.DisplayName);
        Assert.Equal("Tasmota", relay.Device!.Manufacturer);
        Assert.Equal("Sonoff Pow R2", relay.Device.Model);
        Assert.Equal("13.2.0", relay.Device.SwVersion);
        Assert.Contains(new KeyValuePair<string, string>("mac", PowMac), relay.Device.Connections);
        Assert.Equal("cmnd/tasmota_345678/Power1", relay.Options.CommandTopic);
        Assert.Equal("stat/tasmota_345678/RESULT", relay.Options.StateTopic);
        Assert.Equal(["tele/tasmota_345678/LWT"], relay.Options.AvailabilityTopics);
        Assert.NotNull(ha.Registry.GetDevice(PowMac));
        Assert.Single(ha.Registry.Entities);
        Assert.Equal(PowConfig, relay.GetDebugInfo().DiscoveryPayload);

        Assert.True(relay.HasAvailability);
        Assert.False(relay.IsAvailable);
        ha.Send("tele/tasmota_345678/LWT", "Online");
        Assert.True(relay.IsAvailable);
        ha.Send("tele/tasmota_345678/LWT", "Offline");
        Assert.False(relay.IsAvailable);
    }

    [Fact]
    public async Task Full_topic_prefixes_and_names_follow_the_config()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(1, 1, 0);
            c["tp"] = new JsonArray("cmnd2", "stat2", "tele2");
            c["ft"] = "home/%prefix%/%topic%/%id%/";
        }));

        var first = ha.Entity("00000049A3BC_switch_relay_0");
        var second = ha.Entity("00000049A3BC_switch_relay_1");
        Assert.Equal("Test", first.Name);
        Assert.Equal("Beer", second.Name);
        Assert.Equal("home/cmnd2/tasmota_49A3BC/49A3BC/Power2", second.Options.CommandTopic);
        Assert.Equal("home/stat2/tasmota_49A3BC/49A3BC/RESULT", second.Options.StateTopic);
        Assert.Equal(["home/tele2/tasmota_49A3BC/49A3BC/LWT"], second.Options.AvailabilityTopics);
    }

    [Fact]
    public async Task SetOption30_makes_relays_lights_and_lt_st_picks_the_light_model()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(1, 0);
            c["so"]!["30"] = 1;
        }));
        var relayLight = ha.Entity("00000049A3BC_light_relay_0");
        Assert.Equal("light", relayLight.Component);
        Assert.Equal(["onoff"], relayLight.Options.SupportedColorModes);
        Assert.Equal("tasmota_49A3BC/cmnd/Power1", relayLight.Options.CommandTopic);
        Assert.False(ha.Registry.TryGetEntity("00000049A3BC_switch_relay_0", out _));

        // The same device reconfigured as a dimmer: the relay light goes, a light takes its place.
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(2, 0);
            c["lt_st"] = 1;
        }));
        Assert.True(relayLight.IsRemoved);
        var dimmer = ha.Entity("00000049A3BC_light_light_0");
        Assert.Equal("template", dimmer.Schema);
        Assert.Equal("tasmota_49A3BC/cmnd/Backlog", dimmer.Options.CommandTopic);
        Assert.Single(ha.Registry.Entities);
    }

    [Fact]
    public async Task Unlinked_rgbcw_splits_into_a_color_light_and_a_white_light()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(2, 2, 0);
            c["lt_st"] = 5;
            c["lk"] = 0;
        }));
        var color = ha.Entity("00000049A3BC_light_light_0").AsLight();
        var white = ha.Entity("00000049A3BC_light_light_1").AsLight();

        Assert.Equal("NoDelay;Dimmer1 50", Assert.Single(color.BuildTurnOn(new LightCommand { Brightness = 128 })).Payload);
        Assert.Equal("NoDelay;Dimmer2 50", Assert.Single(white.BuildTurnOn(new LightCommand { Brightness = 128 })).Payload);
        Assert.Equal("NoDelay;Power2 ON;NoDelay;CT 300", Assert.Single(white.BuildTurnOn(new LightCommand { ColorTempMireds = 300 })).Payload);
    }

    [Fact]
    public async Task Sensors_come_from_the_sensors_message_with_hatasmota_units_and_wait_for_the_config()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(PowSensorsTopic, PowSensors);
        Assert.Empty(ha.Registry.Entities); // hatasmota keeps it until the device's config arrives

        ha.Discover(PowConfigTopic, PowConfig);
        var power = ha.Entity("A4CF12345678_sensor_sensor_ENERGY_Power");
        var voltage = ha.Entity("A4CF12345678_sensor_sensor_ENERGY_Voltage");
        var total = ha.Entity("A4CF12345678_sensor_sensor_ENERGY_Total");
        var today = ha.Entity("A4CF12345678_sensor_sensor_ENERGY_Today");
        var current = ha.Entity("A4CF12345678_sensor_sensor_ENERGY_Current");
        Assert.Equal("sensor/A4CF12345678/sensor_ENERGY_Power", power.Definition.Key);
        Assert.Equal(PowSensorsTopic, power.DiscoveryTopic);
        Assert.Equal("ENERGY Power", power.Name);
        Assert.Equal(("W", "power", "measurement"), (power.UnitOfMeasurement, power.DeviceClass, power.Options.StateClass));
        Assert.Equal(("V", "voltage"), (voltage.UnitOfMeasurement, voltage.DeviceClass));
        Assert.Equal(("A", "current"), (current.UnitOfMeasurement, current.DeviceClass));
        Assert.Equal(("kWh", "energy", "total"), (total.UnitOfMeasurement, total.DeviceClass, total.Options.StateClass));
        Assert.Equal(("kWh", "total_increasing"), (today.UnitOfMeasurement, today.Options.StateClass));
        Assert.Null(ha.Entity("A4CF12345678_sensor_sensor_ENERGY_Factor").UnitOfMeasurement);
        Assert.False(ha.Registry.TryGetEntity("A4CF12345678_sensor_sensor_Time", out _));
        Assert.Equal(11, ha.Registry.Entities.Count); // the relay and ten energy values

        ha.Send("tele/tasmota_345678/SENSOR", PowTelemetry);
        Assert.Equal(1850, power.State.NumericValue);
        Assert.Equal("W", power.State.Unit);
        Assert.Equal(229, voltage.State.NumericValue);
        Assert.Equal(12.351, total.State.NumericValue);

        // A poll answer (Status 10) carries the same under StatusSNS.
        ha.Send("stat/tasmota_345678/STATUS10", """{"StatusSNS":{"Time":"2024-03-01T12:06:00","ENERGY":{"Power":15,"Voltage":231}}}""");
        Assert.Equal(15, power.State.NumericValue);
        Assert.Equal(231, voltage.State.NumericValue);
        Assert.Equal(12.351, total.State.NumericValue);

        // An empty sensors message removes the sensors, not the relay.
        ha.Discover(PowSensorsTopic, string.Empty);
        Assert.True(power.IsRemoved);
        Assert.Single(ha.Registry.Entities);
    }

    [Fact]
    public async Task Temperature_units_come_from_TempUnit_and_arrays_give_one_sensor_per_element()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultConfig);
        ha.Discover(HaDefaultSensorsTopic, Am2301Sensors.Replace("\"TempUnit\":\"C\"", "\"TempUnit\":\"F\"", StringComparison.Ordinal));
        var temperature = ha.Entity("00000049A3BC_sensor_sensor_AM2301_Temperature");
        Assert.Equal(("°F", "temperature"), (temperature.UnitOfMeasurement, temperature.DeviceClass));
        Assert.Equal(("%", "humidity"), (ha.Entity("00000049A3BC_sensor_sensor_AM2301_Humidity").UnitOfMeasurement, ha.Entity("00000049A3BC_sensor_sensor_AM2301_Humidity").DeviceClass));

        ha.Discover(HaDefaultSensorsTopic, """{"sn":{"Time":"2024-03-01T12:00:00","ENERGY":{"TotalTariff":[0.5,1.25],"Power":[10,20,30]}},"ver":1}""");
        Assert.True(temperature.IsRemoved);
        var phase2 = ha.Entity("00000049A3BC_sensor_sensor_ENERGY_Power_1");
        Assert.Equal("ENERGY Power 1", phase2.Name);
        Assert.Equal("W", phase2.UnitOfMeasurement);
        ha.Send("tasmota_49A3BC/tele/SENSOR", """{"ENERGY":{"TotalTariff":[0.6,1.5],"Power":[11,22,33]}}""");
        Assert.Equal(22, phase2.State.NumericValue);
        Assert.Equal(1.5, ha.Entity("00000049A3BC_sensor_sensor_ENERGY_TotalTariff_1").State.NumericValue);
    }

    [Fact]
    public async Task Follow_mode_switches_are_binary_sensors_and_pushon_turns_off_after_a_second()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["swc"] = new JsonArray(1, 0, 13, -1);
            c["swn"] = new JsonArray("Door", null, null, null);
        }));
        var door = ha.Entity("00000049A3BC_binary_sensor_switch_0");
        Assert.Equal("Door", door.Name);
        Assert.False(ha.Registry.TryGetEntity("00000049A3BC_binary_sensor_switch_1", out _)); // toggle mode: no sensor
        var pir = ha.Entity("00000049A3BC_binary_sensor_switch_2");
        Assert.Equal("binary_sensor 3", pir.Name);
        Assert.Equal(TimeSpan.FromSeconds(1), pir.Options.OffDelay);

        ha.Send("tasmota_49A3BC/stat/RESULT", """{"Door":{"Action":"ON"}}""");
        Assert.True(door.State.IsOn);
        ha.Send("tasmota_49A3BC/tele/SENSOR", """{"Time":"2024-03-01T12:00:00","Door":"OFF"}""");
        Assert.False(door.State.IsOn);
        ha.Send("tasmota_49A3BC/stat/STATUS10", """{"StatusSNS":{"Time":"2024-03-01T12:00:00","Door":"ON"}}""");
        Assert.True(door.State.IsOn);
        ha.Send("tasmota_49A3BC/stat/RESULT", """{"Switch3":{"Action":"ON"}}""");
        Assert.True(pir.State.IsOn);
    }

    [Fact]
    public async Task Repeating_a_config_changes_nothing_and_an_empty_config_removes_the_device()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var config = HaDefaultWith(c => c["rl"] = new JsonArray(1, 1));
        ha.Discover(HaDefaultConfigTopic, config);
        ha.Discover(HaDefaultSensorsTopic, Am2301Sensors);
        var stats = ha.Registry.GetStats();
        Assert.Equal(5, stats.Added);

        ha.Discover(HaDefaultConfigTopic, config);
        Assert.Equal(0, ha.Registry.GetStats().Updated);

        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(1, 1);
            c["ofln"] = "Gone";
        }));
        Assert.Equal(5, ha.Registry.GetStats().Updated); // availability payloads of every entity changed

        ha.Discover(HaDefaultConfigTopic, string.Empty);
        Assert.Empty(ha.Registry.Entities);
        Assert.Equal(5, ha.Registry.GetStats().Removed);
    }

    [Theory]
    [InlineData("tasmota/discovery/00000049A3BC/config", "not json", RejectionReason.InvalidJson)]
    [InlineData("tasmota/discovery/00000049A3BC/config", "[1]", RejectionReason.NotAnObject)]
    [InlineData("tasmota/discovery/00000049A3BC/config", """{"mac":"00000049A3BC","ver":1}""", RejectionReason.MissingRequiredKey)]
    [InlineData("tasmota/discovery/00000049A3BC/sensors", """{"ver":1}""", RejectionReason.MissingRequiredKey)]
    [InlineData("tasmota/discovery/00000049A3BC/sensors", """{"sn":[],"ver":1}""", RejectionReason.InvalidValue)]
    [InlineData("tasmota/discovery/00000049a3bc/config", "{}", RejectionReason.IllegalTopic)]
    [InlineData("tasmota/discovery/00000049A3BC/state", "{}", RejectionReason.IllegalTopic)]
    public async Task Malformed_messages_are_rejected_and_counted(string topic, string payload, RejectionReason reason)
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(topic, payload);

        var rejection = Assert.Single(ha.Registry.Rejections);
        Assert.Equal(reason, rejection.Reason);
        Assert.Equal(topic, rejection.Topic);
        Assert.Equal(1, ha.Registry.GetStats().RejectedByReason[reason]);
        Assert.Empty(ha.Registry.Entities);
    }

    [Theory]
    [InlineData("mac", "\"FFFFFFFFFFFF\"", "MAC")]
    [InlineData("ver", "2", "'ver'")]
    [InlineData("tp", "[\"cmnd\",\"stat\"]", "'tp'")]
    [InlineData("t", "\"a/#\"", "wildcards")]
    [InlineData("rl", "\"1\"", "'rl'")]
    [InlineData("lt_st", "9", "'lt_st'")]
    public async Task Configs_hatasmota_refuses_are_refused(string key, string value, string detail)
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c => c[key] = JsonNode.Parse(value)));

        var rejection = Assert.Single(ha.Registry.Rejections);
        Assert.Contains(detail, rejection.Detail, StringComparison.Ordinal);
        Assert.Empty(ha.Registry.Entities);
    }

    [Fact]
    public async Task The_tasmota_source_can_be_turned_off_and_must_not_overlap_the_discovery_prefix()
    {
        await using var ha = await OfflineRegistry.StartAsync(new HomeAssistantOptions { TasmotaDiscoveryPrefix = null });
        Assert.Null(ha.Registry.TasmotaDiscoveryPrefix);

        Assert.Throws<ArgumentException>(() => new HomeAssistantRegistry(ha.Client, new HomeAssistantOptions { TasmotaDiscoveryPrefix = "homeassistant/tasmota" }));
        Assert.Throws<ArgumentException>(() => new HomeAssistantRegistry(ha.Client, new HomeAssistantOptions { TasmotaDiscoveryPrefix = "tasmota/#" }));
    }
}
