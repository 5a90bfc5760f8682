using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.State;

public sealed class LiveStateTests
{
    [Fact]
    public async Task An_entity_never_heard_from_has_empty_attributes_not_null_and_identical_attributes_are_no_change()
    {
        // Regression: EntityState.Unknown was initialised before the empty attributes it points to, so every entity's
        // Attributes was null until a json_attributes_topic message arrived.
        Assert.NotNull(EntityState.Unknown.Attributes);
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/sensor/z/lq/config", """{"stat_t":"z/dev","val_tpl":"{{ value_json.linkquality }}","json_attr_t":"z/dev","uniq_id":"z-lq"}""");
        var sensor = ha.Entity("z-lq");
        Assert.Empty(sensor.State.Attributes);

        var changes = ha.Registry.GetStats().StateChanges;
        ha.Send("z/dev", """{"linkquality":80,"battery":90}""");
        var first = sensor.State;
        Assert.Equal(("80", 90), (first.Value, first.Attributes["battery"].GetInt32()));

        // Zigbee2MQTT publishes the whole state again: nothing changed, so the state object and its attributes stay.
        ha.Send("z/dev", """{"battery":90,"linkquality":80}""");
        Assert.Same(first, sensor.State);
        ha.Send("z/dev", """{"linkquality":80,"battery":89}""");
        Assert.Equal(89, sensor.State.Attributes["battery"].GetInt32());
        Assert.Equal(changes + 3, ha.Registry.GetStats().StateChanges); // value and attributes of the first, attributes of the third
    }

    [Fact]
    public async Task Zigbee2mqtt_sensor_values_follow_their_templates_and_a_missing_key_keeps_the_state()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.Z2mTemperatureConfigTopic, RealWorld.Z2mTemperatureConfig);
        ha.Discover(RealWorld.Z2mHumidityConfigTopic, RealWorld.Z2mHumidityConfig);
        var temperature = ha.Entity("0x00158d0001a2b3c4_temperature_zigbee2mqtt");
        var humidity = ha.Entity("0x00158d0001a2b3c4_humidity_zigbee2mqtt");

        ha.Send(RealWorld.Z2mSensorTopic, RealWorld.Z2mSensorState);

        Assert.Equal("21.5", temperature.State.Value);
        Assert.Equal(21.5, temperature.State.NumericValue);
        Assert.Equal("°C", temperature.State.Unit);
        Assert.Equal("48.12", humidity.State.Value);
        var before = temperature.State;

        ha.Send(RealWorld.Z2mSensorTopic, RealWorld.Z2mSensorBatteryOnly);

        Assert.Same(before, temperature.State);
        Assert.Equal(2, ha.Registry.GetStats().TemplateNoValue);
    }

    [Fact]
    public async Task Zigbee2mqtt_availability_needs_every_topic_in_mode_all()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.Z2mTemperatureConfigTopic, RealWorld.Z2mTemperatureConfig);
        var sensor = ha.Entity("0x00158d0001a2b3c4_temperature_zigbee2mqtt");
        Assert.True(sensor.HasAvailability);
        Assert.False(sensor.IsAvailable);

        ha.Send(RealWorld.Z2mBridgeState, RealWorld.Z2mOnline);
        Assert.False(sensor.IsAvailable);

        ha.Send("zigbee2mqtt/Bedroom Sensor/availability", RealWorld.Z2mOnline);
        Assert.True(sensor.IsAvailable);

        ha.Send(RealWorld.Z2mBridgeState, RealWorld.Z2mOffline);
        Assert.False(sensor.IsAvailable);

        // Legacy plain payloads make {{ value_json.state }} raise, and Home Assistant then uses the payload itself.
        ha.Send(RealWorld.Z2mBridgeState, "online");
        Assert.True(sensor.IsAvailable);
        ha.Send(RealWorld.Z2mBridgeState, "offline");
        Assert.False(sensor.IsAvailable);
    }

    [Fact]
    public async Task A_late_entity_gets_the_last_message_of_a_shared_topic()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.Z2mTemperatureConfigTopic, RealWorld.Z2mTemperatureConfig);
        ha.Send(RealWorld.Z2mBridgeState, RealWorld.Z2mOnline);
        ha.Send(RealWorld.Z2mSensorTopic, RealWorld.Z2mSensorState);
        ha.Send("zigbee2mqtt/Bedroom Sensor/availability", RealWorld.Z2mOnline);

        ha.Discover(RealWorld.Z2mHumidityConfigTopic, RealWorld.Z2mHumidityConfig);

        var humidity = ha.Entity("0x00158d0001a2b3c4_humidity_zigbee2mqtt");
        Assert.Equal(48.12, humidity.State.NumericValue);
        Assert.True(humidity.IsAvailable);
    }

    [Fact]
    public async Task A_zigbee2mqtt_json_light_reads_state_brightness_color_temperature_and_color()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.Z2mLightConfigTopic, RealWorld.Z2mLightConfig);
        var lamp = ha.Entity("0x001788010b9a1c2d_light_zigbee2mqtt");

        ha.Send(RealWorld.Z2mLampTopic, RealWorld.Z2mLightState);

        var state = lamp.State;
        Assert.True(state.IsOn);
        Assert.Equal("on", state.Value);
        Assert.Equal(255, state.Brightness);
        Assert.Equal("color_temp", state.ColorMode);
        Assert.Equal(370, state.ColorTempMireds);
        Assert.Equal(2702, state.ColorTempKelvin);
        Assert.Equal(new XyColor(0.4599, 0.4106), state.Xy);
        Assert.NotNull(state.LastChanged);

        ha.Send(RealWorld.Z2mLampTopic, """{"brightness":127,"state":"OFF"}""");
        Assert.False(lamp.State.IsOn);
        Assert.Equal(128, lamp.State.Brightness);
        Assert.Equal(370, lamp.State.ColorTempMireds);
    }

    [Fact]
    public async Task A_json_light_with_one_supported_color_mode_has_it_from_the_start()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/light/ct/config", """{"schema":"json","cmd_t":"ct/set","stat_t":"ct","sup_clrm":["color_temp"]}""");
        ha.Discover("homeassistant/light/two/config", """{"schema":"json","cmd_t":"two/set","stat_t":"two","sup_clrm":["color_temp","xy"]}""");
        ha.Discover("homeassistant/light/basic/config", """{"cmd_t":"b/set","stat_t":"b","sup_clrm":["brightness"]}""");
        var ct = ha.Entity("light/ct");

        Assert.Equal("color_temp", ct.State.ColorMode);
        Assert.Null(ha.Entity("light/two").State.ColorMode);
        Assert.Null(ha.Entity("light/basic").State.ColorMode);

        ha.Send("ct", """{"state":"ON","color_mode":"xy"}""");
        Assert.True(ct.State.IsOn);
        Assert.Equal("color_temp", ct.State.ColorMode);

        ha.Discover("homeassistant/light/two/config", """{"schema":"json","cmd_t":"two/set","stat_t":"two","sup_clrm":["onoff"]}""");
        Assert.Equal("onoff", ha.Entity("light/two").State.ColorMode);
    }

    [Fact]
    public async Task A_template_light_reads_a_color_only_with_all_three_channel_templates()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/light/partial/config", """
            {"schema":"template","command_topic":"t/set","command_on_template":"on","command_off_template":"off","state_topic":"t",
             "state_template":"{{ 'on' }}","red_template":"{{ value }}"}
            """);
        ha.Discover("homeassistant/light/full/config", """
            {"schema":"template","command_topic":"u/set","command_on_template":"on","command_off_template":"off","state_topic":"u",
             "state_template":"{{ value_json.state }}","red_template":"{{ value_json.r }}","green_template":"{{ value_json.g }}",
             "blue_template":"{{ {'x': 9}['x'] }}"}
            """);

        // Without green and blue templates the raw payload must not stand in for those channels.
        ha.Send("t", "10");
        ha.Send("u", """{"state":"on","r":10,"g":20}""");

        Assert.True(ha.Entity("light/partial").State.IsOn);
        Assert.Null(ha.Entity("light/partial").State.Rgb);
        Assert.Equal(new RgbColor(10, 20, 9), ha.Entity("light/full").State.Rgb);
    }

    [Fact]
    public async Task A_zigbee2mqtt_thermostat_maps_its_running_state_to_the_hvac_action()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/climate/0x54ef441000a1b2c3/climate/config", """
            {"object_id":"tado","unique_id":"0x54ef441000a1b2c3_climate_zigbee2mqtt","state_topic":"zigbee2mqtt/tado",
             "mode_command_topic":"zigbee2mqtt/tado/set/system_mode","mode_state_topic":"zigbee2mqtt/tado","mode_state_template":"{{ value_json[\"system_mode\"] }}",
             "modes":["off","heat"],"action_topic":"zigbee2mqtt/tado",
             "action_template":"{% set values = {None:None,'idle':'idle','heat':'heating','cool':'cooling','fan_only':'fan'} %}{{ values[value_json[\"running_state\"]] }}"}
            """);
        var climate = ha.Entity("0x54ef441000a1b2c3_climate_zigbee2mqtt");

        ha.Send("zigbee2mqtt/tado", """{"system_mode":"heat","running_state":"heat"}""");

        Assert.Empty(climate.RejectedTemplates);
        Assert.Equal("heat", climate.State.HvacMode);
        Assert.Equal("heating", climate.State.HvacAction);

        ha.Send("zigbee2mqtt/tado", """{"system_mode":"heat","running_state":"idle"}""");
        Assert.Equal("idle", climate.State.HvacAction);
    }

    [Fact]
    public async Task A_tasmota_relay_follows_its_state_and_lwt()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        ha.Discover(RealWorld.TasmotaRssiConfigTopic, RealWorld.TasmotaRssiConfig);
        var relay = ha.Entity("A1B2C3_RL_1");
        var rssi = ha.Entity("A1B2C3_rssi");
        Assert.False(relay.IsAvailable);

        ha.Send(RealWorld.TasmotaLwt, "Online");
        ha.Send(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOn);

        Assert.True(relay.IsAvailable);
        Assert.True(relay.State.IsOn);
        Assert.Equal("on", relay.State.Value);
        Assert.Equal("76", rssi.State.Value);
        Assert.Equal("%", rssi.State.Unit);
        Assert.Equal("home", rssi.State.Attributes["Wifi"].GetProperty("SSId").GetString());

        ha.Send(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOff);
        ha.Send(RealWorld.TasmotaLwt, "Offline");

        Assert.False(relay.State.IsOn);
        Assert.False(relay.IsAvailable);
        Assert.False(rssi.IsAvailable);
    }

    [Fact]
    public async Task Availability_modes_latest_and_any()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/switch/latest/config", """{"cmd_t":"c","avty":[{"t":"a1"},{"t":"a2","pl_avail":"up","pl_not_avail":"down"}]}""");
        ha.Discover("homeassistant/switch/any/config", """{"cmd_t":"c","avty_mode":"any","avty":[{"t":"a1"},{"t":"a2","pl_avail":"up","pl_not_avail":"down"}]}""");
        var latest = ha.Entity("switch/latest");
        var any = ha.Entity("switch/any");

        ha.Send("a1", "online");
        Assert.True(latest.IsAvailable);
        Assert.True(any.IsAvailable);

        ha.Send("a2", "down");
        Assert.False(latest.IsAvailable);
        Assert.True(any.IsAvailable);

        ha.Send("a1", "offline");
        Assert.False(any.IsAvailable);

        ha.Send("a2", "something else");
        Assert.False(latest.IsAvailable);

        ha.Send("a2", "up");
        Assert.True(latest.IsAvailable);
        Assert.True(any.IsAvailable);
    }

    [Fact]
    public async Task An_entity_without_availability_is_available()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/switch/plain/config", """{"cmd_t":"c","stat_t":"s"}""");

        Assert.True(ha.Entity("switch/plain").IsAvailable);
        Assert.False(ha.Entity("switch/plain").HasAvailability);
    }

    [Fact]
    public async Task Availability_template_on_a_single_topic()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/sensor/s/config", """{"stat_t":"s","avty_t":"system/health/svc","avty_tpl":"{{ 'online' if value_json.data.ok else 'offline' }}"}""");
        var sensor = ha.Entity("sensor/s");

        ha.Send("system/health/svc", """{"id":"a","type":"health.status","ts":1.0,"source":"svc","data":{"message_id":"m","ok":true,"event":"ready","timestamp":1.0}}""");
        Assert.True(sensor.IsAvailable);

        ha.Send("system/health/svc", """{"id":"b","type":"health.status","ts":2.0,"source":"svc","data":{"message_id":"n","ok":false,"event":"lost","timestamp":2.0}}""");
        Assert.False(sensor.IsAvailable);
    }

    [Fact]
    public async Task An_unsupported_template_is_rejected_loudly_and_never_replaced_by_the_raw_payload()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/sensor/t/config", """{"stat_t":"s","val_tpl":"{{ states('sensor.other') }}"}""");
        var sensor = ha.Entity("sensor/t");

        ha.Send("s", "raw-1");
        ha.Send("s", "raw-2");

        Assert.Null(sensor.State.Value);
        var stats = ha.Registry.GetStats();
        Assert.Equal(1, stats.UnsupportedTemplates);
        Assert.Equal(1, stats.RejectedByReason[RejectionReason.UnsupportedTemplate]);
        var rejected = Assert.Single(sensor.RejectedTemplates);
        Assert.Equal("value_template", rejected.Option);
        Assert.Equal("{{ states('sensor.other') }}", rejected.Template);
        Assert.Contains("states", rejected.Reason, StringComparison.Ordinal);
        var rejection = Assert.Single(ha.Registry.Rejections);
        Assert.Equal(RejectionReason.UnsupportedTemplate, rejection.Reason);
        Assert.Equal("homeassistant/sensor/t/config", rejection.Topic);
        Assert.Contains("value_template", rejection.Detail, StringComparison.Ordinal);
        Assert.Contains("{{ states('sensor.other') }}", rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rediscovery_with_a_supported_template_clears_the_rejected_option()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/sensor/t/config", """{"stat_t":"s","val_tpl":"{{ states('sensor.other') }}"}""");
        var sensor = ha.Entity("sensor/t");

        ha.Discover("homeassistant/sensor/t/config", """{"stat_t":"s","val_tpl":"{{ {'a': 'A'}[value] }}"}""");
        ha.Send("s", "a");

        Assert.Empty(sensor.RejectedTemplates);
        Assert.Equal("A", sensor.State.Value);
    }

    [Fact]
    public async Task An_availability_template_that_raises_falls_back_to_the_payload_as_home_assistant_does()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/sensor/t/config", """{"stat_t":"s","avty":[{"topic":"a","val_tpl":"{{ value_json.state }}"}]}""");
        var sensor = ha.Entity("sensor/t");

        ha.Send("a", "online");
        Assert.True(sensor.IsAvailable);

        ha.Send("a", """{"state":"offline"}""");
        Assert.False(sensor.IsAvailable);

        ha.Send("a", """{"state":"online"}""");
        Assert.True(sensor.IsAvailable);

        ha.Send("a", "offline");
        Assert.False(sensor.IsAvailable);
    }

    [Fact]
    public async Task An_availability_template_that_fails_on_a_bad_conversion_ignores_the_message()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/sensor/t/config", """{"stat_t":"s","avty_t":"a","avty_tpl":"{{ 'online' if (value | int) > 0 else 'offline' }}"}""");
        var sensor = ha.Entity("sensor/t");
        ha.Send("a", "1");
        Assert.True(sensor.IsAvailable);

        ha.Send("a", "offline");

        Assert.True(sensor.IsAvailable);
        Assert.Equal(1, ha.Registry.GetStats().TemplateErrors);
    }

    [Fact]
    public async Task An_unsupported_availability_template_does_not_guess_from_the_raw_payload()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/sensor/t/config", """{"stat_t":"s","avty":[{"topic":"a","val_tpl":"{{ states('x') }}"}]}""");
        var sensor = ha.Entity("sensor/t");

        ha.Send("a", "online");

        Assert.False(sensor.IsAvailable);
        Assert.Equal("availability.value_template", Assert.Single(sensor.RejectedTemplates).Option);
    }

    [Fact]
    public async Task A_failing_template_keeps_the_state()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/sensor/t/config", """{"stat_t":"s","val_tpl":"{{ value | float * 2 }}"}""");
        var sensor = ha.Entity("sensor/t");
        ha.Send("s", "10");

        ha.Send("s", "not a number");

        Assert.Equal("20.0", sensor.State.Value);
        Assert.Equal(1, ha.Registry.GetStats().TemplateErrors);
    }

    [Fact]
    public async Task Switch_and_binary_sensor_payloads()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/switch/s/config", """{"cmd_t":"c","stat_t":"st","pl_on":"1","pl_off":"0","stat_on":"on!","stat_off":"off!"}""");
        ha.Discover("homeassistant/binary_sensor/door/config", """{"stat_t":"door","val_tpl":"{{ value_json.contact }}","pl_on":false,"pl_off":true,"dev_cla":"door"}""");
        var sw = ha.Entity("switch/s");
        var door = ha.Entity("binary_sensor/door");

        ha.Send("st", "on!");
        ha.Send("door", """{"contact":false}""");
        Assert.True(sw.State.IsOn);
        Assert.True(door.State.IsOn);

        ha.Send("st", "off!");
        ha.Send("door", """{"contact":true}""");
        Assert.False(sw.State.IsOn);
        Assert.False(door.State.IsOn);

        ha.Send("st", "None");
        Assert.Null(sw.State.IsOn);

        ha.Send("st", "garbage");
        Assert.Null(sw.State.IsOn);
        Assert.Equal(1, ha.Registry.GetStats().InvalidStatePayloads);
    }

    [Fact]
    public async Task A_basic_light_reads_each_attribute_topic()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/light/l/config", """
            {"cmd_t":"l/set","stat_t":"l/state","bri_stat_t":"l/bri","bri_scl":100,"rgb_stat_t":"l/rgb","clr_temp_stat_t":"l/ct","hs_stat_t":"l/hs","xy_stat_t":"l/xy",
             "fx_stat_t":"l/fx","stat_val_tpl":"{{ value_json.POWER }}","bri_val_tpl":"{{ value_json.Dimmer }}"}
            """);
        var light = ha.Entity("light/l");

        ha.Send("l/state", """{"POWER":"ON"}""");
        ha.Send("l/bri", """{"Dimmer":50}""");
        ha.Send("l/rgb", "255,128,0");
        ha.Send("l/hs", "30.5,80");
        ha.Send("l/xy", "0.3,0.4");
        ha.Send("l/fx", "rainbow");
        ha.Send("l/ct", "250");

        var state = light.State;
        Assert.True(state.IsOn);
        Assert.Equal(128, state.Brightness);
        Assert.Equal(new RgbColor(255, 128, 0), state.Rgb);
        Assert.Equal(new HsColor(30.5, 80), state.Hs);
        Assert.Equal(new XyColor(0.3, 0.4), state.Xy);
        Assert.Equal("rainbow", state.Effect);
        Assert.Equal(250, state.ColorTempMireds);
        Assert.Equal(4000, state.ColorTempKelvin);
        Assert.Equal("color_temp", state.ColorMode);

        ha.Send("l/bri", """{"Dimmer":0}""");
        Assert.Equal(128, light.State.Brightness);
    }

    [Fact]
    public async Task A_template_light_reads_through_its_templates()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/light/t/config", """
            {"schema":"template","cmd_t":"t/set","stat_t":"t/state","cmd_on_tpl":"on","cmd_off_tpl":"off",
             "stat_tpl":"{{ value.split(',')[0] }}","bri_tpl":"{{ value.split(',')[1] }}","r_tpl":"{{ value.split(',')[2] }}","g_tpl":"{{ value.split(',')[3] }}","b_tpl":"{{ value.split(',')[4] }}"}
            """);

        ha.Send("t/state", "on,200,10,20,30");

        var state = ha.Entity("light/t").State;
        Assert.True(state.IsOn);
        Assert.Equal(200, state.Brightness);
        Assert.Equal(new RgbColor(10, 20, 30), state.Rgb);
    }

    [Fact]
    public async Task A_cover_reads_state_position_and_tilt_in_its_ranges()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/cover/c/config", """
            {"cmd_t":"c/set","stat_t":"c/state","pos_t":"c/pos","pos_open":255,"pos_clsd":0,"pos_tpl":"{{ value_json.position }}",
             "tilt_status_t":"c/tilt","tilt_min":0,"tilt_max":180,"stat_open":"up","stat_clsd":"down"}
            """);
        var cover = ha.Entity("cover/c");

        ha.Send("c/state", "up");
        ha.Send("c/pos", """{"position":51}""");
        ha.Send("c/tilt", "90");
        Assert.Equal("open", cover.State.Value);
        Assert.Equal(20, cover.State.Position);
        Assert.Equal(50, cover.State.TiltPosition);

        ha.Send("c/state", "closing");
        Assert.Equal("closing", cover.State.Value);
        ha.Send("c/state", "stopped");
        Assert.Equal("open", cover.State.Value);
        ha.Send("c/state", "down");
        Assert.Equal("closed", cover.State.Value);

        ha.Send("c/tilt", "500");
        Assert.Equal(50, cover.State.TiltPosition);
    }

    [Fact]
    public async Task A_cover_without_state_topic_derives_open_or_closed_from_the_position()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/cover/c/config", """{"cmd_t":"c/set","pos_t":"c/pos"}""");
        var cover = ha.Entity("cover/c");

        ha.Send("c/pos", "0");
        Assert.Equal("closed", cover.State.Value);
        ha.Send("c/pos", """{"position":40,"tilt_position":70}""");
        Assert.Equal("open", cover.State.Value);
        Assert.Equal(40, cover.State.Position);
        Assert.Equal(70, cover.State.TiltPosition);
    }

    [Fact]
    public async Task A_climate_entity_reads_each_attribute_with_value_template_as_fallback()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/climate/t/config", """
            {"curr_temp_t":"t/state","curr_temp_tpl":"{{ value_json.current }}","mode_stat_t":"t/state","mode_stat_tpl":"{{ value_json.mode }}",
             "temp_stat_t":"t/state","val_tpl":"{{ value_json.target }}","fan_mode_stat_t":"t/fan","fan_mode_stat_tpl":"{{ value }}","swing_mode_stat_t":"t/swing",
             "swing_mode_stat_tpl":"{{ value }}","pr_mode_stat_t":"t/preset","pr_mode_val_tpl":"{{ value }}","pr_modes":["eco","comfort"],"act_t":"t/action",
             "act_tpl":"{{ value }}","modes":["off","heat","cool"]}
            """);
        var thermostat = ha.Entity("climate/t");

        ha.Send("t/state", """{"current":20.5,"mode":"heat","target":21}""");
        ha.Send("t/fan", "low");
        ha.Send("t/swing", "on");
        ha.Send("t/preset", "eco");
        ha.Send("t/action", "heating");

        var state = thermostat.State;
        Assert.Equal(20.5, state.CurrentTemperature);
        Assert.Equal(21, state.TargetTemperature);
        Assert.Equal("heat", state.HvacMode);
        Assert.Equal("heat", state.Value);
        Assert.Equal("low", state.FanMode);
        Assert.Equal("on", state.SwingMode);
        Assert.Equal("eco", state.PresetMode);
        Assert.Equal("heating", state.HvacAction);

        ha.Send("t/state", """{"current":20.7,"mode":"auto","target":21}""");
        Assert.Equal(20.7, thermostat.State.CurrentTemperature);
        Assert.Equal("heat", thermostat.State.HvacMode);
    }

    [Fact]
    public async Task A_fan_reads_state_percentage_preset_and_oscillation()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/fan/f/config", """
            {"cmd_t":"f/set","stat_t":"f/state","pct_stat_t":"f/speed","spd_rng_min":1,"spd_rng_max":3,"pr_mode_stat_t":"f/preset","pr_modes":["auto","sleep"],
             "osc_stat_t":"f/osc","dir_stat_t":"f/dir"}
            """);
        var fan = ha.Entity("fan/f");

        ha.Send("f/state", "ON");
        ha.Send("f/speed", "2");
        ha.Send("f/preset", "sleep");
        ha.Send("f/osc", "oscillate_on");
        ha.Send("f/dir", "reverse");

        var state = fan.State;
        Assert.True(state.IsOn);
        Assert.Equal(66, state.Percentage);
        Assert.Equal("sleep", state.PresetMode);
        Assert.True(state.Oscillating);
        Assert.Equal("reverse", state.Direction);

        ha.Send("f/speed", "None");
        ha.Send("f/preset", "turbo");
        Assert.Null(fan.State.Percentage);
        Assert.Equal("sleep", fan.State.PresetMode);
    }

    [Fact]
    public async Task Lock_number_and_select_states()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/lock/l/config", """{"cmd_t":"l/set","stat_t":"l/state","stat_locked":"LCK","val_tpl":"{{ value_json.lock }}"}""");
        ha.Discover("homeassistant/number/n/config", """{"cmd_t":"n/set","stat_t":"n/state","min":0,"max":50,"unit_of_meas":"s"}""");
        ha.Discover("homeassistant/select/s/config", """{"cmd_t":"s/set","stat_t":"s/state","ops":["low","high"]}""");

        ha.Send("l/state", """{"lock":"LCK"}""");
        ha.Send("n/state", "12.5");
        ha.Send("s/state", "high");

        Assert.Equal("locked", ha.Entity("lock/l").State.Value);
        Assert.Equal(12.5, ha.Entity("number/n").State.NumericValue);
        Assert.Equal("s", ha.Entity("number/n").State.Unit);
        Assert.Equal("high", ha.Entity("select/s").State.Option);

        ha.Send("l/state", """{"lock":"MOTOR_JAMMED"}""");
        ha.Send("n/state", "99");
        ha.Send("s/state", "medium");
        Assert.Equal("jammed", ha.Entity("lock/l").State.Value);
        Assert.Equal(12.5, ha.Entity("number/n").State.NumericValue);
        Assert.Equal("high", ha.Entity("select/s").State.Option);
    }

    [Fact]
    public async Task StateChanged_and_AvailabilityChanged_are_raised_in_order()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        var seen = new List<string>();
        var done = new TaskCompletionSource();
        ha.Registry.AvailabilityChanged += (_, e) => seen.Add($"{e.Entity.Id}:{(e.IsAvailable ? "up" : "down")}");
        ha.Registry.StateChanged += (_, e) =>
        {
            seen.Add($"{e.Entity.Id}:{e.Previous.Value ?? "?"}->{e.Current.Value}");
            if (e.Current.Value == "off")
            {
                done.TrySetResult();
            }
        };
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);

        ha.Send(RealWorld.TasmotaLwt, "Online");
        ha.Send(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOn);
        ha.Send(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOn);
        ha.Send(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOff);

        await done.Task.WithTimeout("the off state event");
        Assert.Equal(["A1B2C3_RL_1:up", "A1B2C3_RL_1:?->on", "A1B2C3_RL_1:on->off"], seen);
    }

    [Fact]
    public async Task WaitForState_completes_on_a_matching_change()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        var relay = ha.Entity("A1B2C3_RL_1");
        var waiting = relay.WaitForStateAsync(s => s.IsOn == true);

        ha.Send(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOn);

        Assert.True((await waiting.WithTimeout("the relay to turn on")).IsOn);
    }

    [Fact]
    public async Task A_rediscovery_keeps_the_state_and_what_availability_said()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        ha.Send(RealWorld.TasmotaLwt, "Online");
        ha.Send(RealWorld.TasmotaState, RealWorld.TasmotaStatePowerOn);

        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig.Replace("Kitchen Relay", "Renamed", StringComparison.Ordinal));

        var relay = ha.Entity("A1B2C3_RL_1");
        Assert.True(relay.State.IsOn);
        Assert.True(relay.IsAvailable);
    }
}
