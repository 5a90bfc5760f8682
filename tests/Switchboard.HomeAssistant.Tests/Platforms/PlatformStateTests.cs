using System.Text;
using Switchboard.HomeAssistant.Tests.Support;

namespace Switchboard.HomeAssistant.Tests.Platforms;

/// <summary>State parsing of the platforms beyond light/switch/cover/climate/fan/lock/number/select, with discovery
/// payloads shaped like the real publishers' and the expectations of Home Assistant's tests/components/mqtt/test_&lt;platform&gt;.py.</summary>
public sealed class PlatformStateTests
{
    [Fact]
    public async Task Alarm_panel_takes_home_assistant_states_only()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/alarm_control_panel/esp/alarm/config", """
            {"name":"Alarm","stat_t":"esp/alarm_control_panel/alarm/state","cmd_t":"esp/alarm_control_panel/alarm/command","sup_feat":["arm_away","arm_home","trigger"],"cod_arm_req":false,"uniq_id":"esp-alarm"}
            """);
        var alarm = ha.Entity("esp-alarm");

        foreach (var state in new[] { "armed_home", "armed_away", "armed_night", "armed_vacation", "armed_custom_bypass", "pending", "arming", "disarming", "triggered", "disarmed" })
        {
            ha.Send("esp/alarm_control_panel/alarm/state", state);
            Assert.Equal(state, alarm.State.Value);
        }

        ha.Send("esp/alarm_control_panel/alarm/state", "ARMED");
        Assert.Equal("disarmed", alarm.State.Value);
        Assert.Equal(1, ha.Registry.GetStats().InvalidStatePayloads);
        ha.Send("esp/alarm_control_panel/alarm/state", "None");
        Assert.Null(alarm.State.Value);
    }

    [Fact]
    public async Task Valve_without_position_matches_its_state_payloads()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/valve/garden/config", """{"cmd_t":"v/set","stat_t":"v/state","stat_open":"OPEN","stat_clsd":"CLOSED"}""");
        var valve = ha.Entity("valve/garden");

        ha.Send("v/state", "OPEN");
        Assert.Equal("open", valve.State.Value);
        ha.Send("v/state", "closing");
        Assert.Equal("closing", valve.State.Value);
        ha.Send("v/state", """{"state":"CLOSED"}""");
        Assert.Equal("closed", valve.State.Value);
        ha.Send("v/state", "half");
        Assert.Equal("closed", valve.State.Value);
        ha.Send("v/state", "None");
        Assert.Null(valve.State.Value);
    }

    [Fact]
    public async Task Valve_with_position_rescales_and_keeps_motion_until_fully_open_or_closed()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/valve/tap/config", """{"cmd_t":"t/set","stat_t":"t/state","pos":true,"pos_clsd":0,"pos_open":255}""");
        var valve = ha.Entity("valve/tap");

        ha.Send("t/state", "128");
        Assert.Equal((50, "open"), (valve.State.Position, valve.State.Value));
        ha.Send("t/state", "opening");
        Assert.Equal((50, "opening"), (valve.State.Position, valve.State.Value));
        ha.Send("t/state", """{"state":"opening","position":200}""");
        Assert.Equal((78, "opening"), (valve.State.Position, valve.State.Value));
        ha.Send("t/state", """{"position":255}""");
        Assert.Equal((100, "open"), (valve.State.Position, valve.State.Value));
        ha.Send("t/state", "0");
        Assert.Equal((0, "closed"), (valve.State.Position, valve.State.Value));
        ha.Send("t/state", """{"state":"closing"}""");
        Assert.Equal(1, ha.Registry.GetStats().InvalidStatePayloads);
    }

    [Fact]
    public async Task Humidifier_reads_state_target_current_mode_and_action_from_their_topics()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/humidifier/0x1/humidifier/config", """
            {"cmd_t":"z2m/dehum/set","stat_t":"z2m/dehum","stat_val_tpl":"{{ value_json.state }}","target_humidity_command_topic":"z2m/dehum/set/humidity",
             "target_humidity_state_topic":"z2m/dehum","target_humidity_state_template":"{{ value_json.humidity }}","mode_cmd_t":"z2m/dehum/set/mode",
             "mode_stat_t":"z2m/dehum","mode_stat_tpl":"{{ value_json.mode }}","modes":["eco","boost"],"curr_hum_t":"z2m/dehum","curr_hum_tpl":"{{ value_json.current }}",
             "act_t":"z2m/dehum","act_tpl":"{{ value_json.action }}","min_hum":30,"max_hum":80,"dev_cla":"dehumidifier"}
            """);
        var humidifier = ha.Entity("humidifier/0x1/humidifier");

        ha.Send("z2m/dehum", """{"state":"ON","humidity":45.5,"mode":"eco","current":61.4,"action":"drying"}""");

        var state = humidifier.State;
        Assert.Equal((true, "on", 46d, "eco", 61d, "drying"), (state.IsOn, state.Value, state.TargetHumidity, state.Mode, state.CurrentHumidity, state.Action));

        ha.Send("z2m/dehum", """{"state":"OFF","humidity":90,"mode":"turbo","current":60,"action":"idle"}""");
        state = humidifier.State;
        Assert.Equal((false, 46d, "eco", 60d, "idle"), (state.IsOn, state.TargetHumidity, state.Mode, state.CurrentHumidity, state.Action));
        Assert.Equal(2, ha.Registry.GetStats().InvalidStatePayloads);

        ha.Send("z2m/dehum", """{"humidity":"None","mode":"None"}""");
        Assert.Null(humidifier.State.TargetHumidity);
        Assert.Null(humidifier.State.Mode);
    }

    [Fact]
    public async Task Water_heater_mode_is_its_state_and_temperatures_fall_back_to_value_template()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/water_heater/boiler/config", """
            {"mode_stat_t":"wh/state","mode_stat_tpl":"{{ value_json.mode }}","temp_stat_t":"wh/state","temp_stat_tpl":"{{ value_json.target }}",
             "curr_temp_t":"wh/state","val_tpl":"{{ value_json.current }}","mode_cmd_t":"wh/mode/set","temp_cmd_t":"wh/temp/set"}
            """);
        var heater = ha.Entity("water_heater/boiler");

        ha.Send("wh/state", """{"mode":"eco","target":55,"current":48.5}""");

        Assert.Equal(("eco", "eco", 55d, 48.5), (heater.State.Value, heater.State.Mode, heater.State.TargetTemperature, heater.State.CurrentTemperature));
        ha.Send("wh/state", """{"mode":"boost","target":55,"current":49}""");
        Assert.Equal("eco", heater.State.Value);
        Assert.Equal(49d, heater.State.CurrentTemperature);
    }

    [Fact]
    public async Task Text_keeps_the_value_within_its_length_limits()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/text/display/config", """{"cmd_t":"txt/set","stat_t":"txt/state","min":2,"max":5}""");
        var text = ha.Entity("text/display");

        ha.Send("txt/state", "hello");
        Assert.Equal("hello", text.State.Value);
        ha.Send("txt/state", "too long");
        ha.Send("txt/state", "x");
        Assert.Equal("hello", text.State.Value);
        Assert.Equal(2, ha.Registry.GetStats().InvalidStatePayloads);
    }

    [Fact]
    public async Task Siren_reads_plain_and_json_states_with_attributes()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/siren/s/config", """{"cmd_t":"s/set","stat_t":"s/state","av_tones":["ping","siren"]}""");
        var siren = ha.Entity("siren/s");

        ha.Send("s/state", "ON");
        Assert.Equal((true, "on"), (siren.State.IsOn, siren.State.Value));
        ha.Send("s/state", """{"state":"OFF","tone":"siren","volume_level":0.6,"duration":20}""");
        Assert.Equal((false, "siren", 0.6, 20), (siren.State.IsOn, siren.State.Tone, siren.State.VolumeLevel, siren.State.Duration));
        ha.Send("s/state", """{"tone":"bell"}""");
        ha.Send("s/state", """{"volume_level":2}""");
        Assert.Equal(("siren", 0.6), (siren.State.Tone, siren.State.VolumeLevel));
        Assert.Equal(2, ha.Registry.GetStats().InvalidStatePayloads);
    }

    [Fact]
    public async Task Update_reads_zigbee2mqtt_json_and_a_plain_installed_version()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        // Zigbee2MQTT's firmware update entity.
        ha.Discover("homeassistant/update/0x00158d0001a2b3c4/update/config", """
            {"name":null,"uniq_id":"0x00158d0001a2b3c4_update_zigbee2mqtt","dev_cla":"firmware","ent_cat":"config","cmd_t":"zigbee2mqtt/bridge/request/device/ota_update/update",
             "pl_inst":"{\"id\": \"0x00158d0001a2b3c4\"}","stat_t":"zigbee2mqtt/Bedroom Sensor",
             "val_tpl":"{\"latest_version\":\"{{ value_json['update']['latest_version'] }}\",\"installed_version\":\"{{ value_json['update']['installed_version'] }}\",\"update_percentage\":{{ value_json['update'].get('progress', 'null') }},\"in_progress\":{{ (value_json['update']['state'] == 'updating')|lower }}}",
             "l_ver_t":"zigbee2mqtt/Bedroom Sensor","l_ver_tpl":"{{ value_json['update']['latest_version'] }}","title":"Sensor firmware"}
            """);
        var update = ha.Entity("0x00158d0001a2b3c4_update_zigbee2mqtt");

        ha.Send("zigbee2mqtt/Bedroom Sensor", """{"battery":90,"update":{"state":"available","installed_version":16777241,"latest_version":16777242}}""");

        var info = update.State.Update!;
        Assert.Equal(("16777241", "16777242", false, "Sensor firmware"), (info.InstalledVersion, info.LatestVersion, info.InProgress, info.Title));
        Assert.Equal("on", update.State.Value);

        ha.Send("zigbee2mqtt/Bedroom Sensor", """{"update":{"state":"updating","progress":42.5,"installed_version":16777241,"latest_version":16777242}}""");
        Assert.Equal((true, 42.5), (update.State.Update!.InProgress, update.State.Update.UpdatePercentage));

        ha.Discover("homeassistant/update/fw/config", """{"stat_t":"fw/state","l_ver_t":"fw/latest"}""");
        var plain = ha.Entity("update/fw");
        ha.Send("fw/state", "1.2.0");
        Assert.Null(plain.State.Value);
        ha.Send("fw/latest", "1.2.0");
        Assert.Equal(("off", "1.2.0"), (plain.State.Value, plain.State.Update!.LatestVersion));
    }

    [Fact]
    public async Task Vacuum_reads_its_json_state()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/vacuum/valetudo/config", """
            {"stat_t":"valetudo/robot/state","cmd_t":"valetudo/robot/cmd","fanspd_lst":["min","max"],"set_fan_spd_t":"valetudo/robot/fan","sup_feat":["start","pause","fan_speed","send_command","locate"],"send_cmd_t":"valetudo/robot/custom"}
            """);
        var vacuum = ha.Entity("vacuum/valetudo");

        ha.Send("valetudo/robot/state", """{"state":"cleaning","battery_level":61,"fan_speed":"max"}""");
        Assert.Equal(("cleaning", 61, "max"), (vacuum.State.Value, vacuum.State.BatteryLevel, vacuum.State.FanSpeed));
        ha.Send("valetudo/robot/state", """{"battery_level":60}""");
        Assert.Equal(("cleaning", 60), (vacuum.State.Value, vacuum.State.BatteryLevel));
        ha.Send("valetudo/robot/state", """{"state":"vacuuming"}""");
        Assert.Equal("cleaning", vacuum.State.Value);
    }

    [Fact]
    public async Task Lawn_mower_activity_comes_through_its_template()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/lawn_mower/mower/config", """{"activity_state_topic":"m/state","activity_value_template":"{{ value_json.activity }}","start_mowing_command_topic":"m/start"}""");
        var mower = ha.Entity("lawn_mower/mower");

        ha.Send("m/state", """{"activity":"mowing"}""");
        Assert.Equal("mowing", mower.State.Value);
        ha.Send("m/state", """{"activity":"sleeping"}""");
        Assert.Equal("mowing", mower.State.Value);
        ha.Send("m/state", """{"activity":"docked"}""");
        Assert.Equal("docked", mower.State.Value);
    }

    [Fact]
    public async Task Device_tracker_reads_home_zones_and_gps_attributes()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        // OpenMQTTGateway's BLE presence tracker.
        ha.Discover("homeassistant/device_tracker/omg/tag/config", """
            {"stat_t":"home/presence/tag","val_tpl":"{{ 'home' if value_json.present else 'not_home' }}","json_attr_t":"home/gps/tag","src_type":"gps","uniq_id":"omg-tag"}
            """);
        var tracker = ha.Entity("omg-tag");

        ha.Send("home/presence/tag", """{"present":true}""");
        Assert.Equal("home", tracker.State.Value);
        ha.Send("home/presence/tag", """{"present":false}""");
        Assert.Equal("not_home", tracker.State.Value);
        ha.Send("home/gps/tag", """{"latitude":52.37,"longitude":4.89,"gps_accuracy":12}""");
        Assert.Equal((52.37, 4.89, 12d), (tracker.State.Latitude, tracker.State.Longitude, tracker.State.GpsAccuracy));

        ha.Discover("homeassistant/device_tracker/phone/config", """{"stat_t":"phone/zone","pl_home":"HOME"}""");
        var phone = ha.Entity("device_tracker/phone");
        ha.Send("phone/zone", "HOME");
        Assert.Equal("home", phone.State.Value);
        ha.Send("phone/zone", "office");
        Assert.Equal("office", phone.State.Value);
        ha.Send("phone/zone", "None");
        Assert.Null(phone.State.Value);
    }

    [Fact]
    public async Task Camera_and_image_keep_bytes_base64_decoded_bytes_or_a_url()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/camera/door/config", """{"t":"door/snapshot"}""");
        ha.Discover("homeassistant/image/b64/config", """{"image_topic":"img/b64","img_e":"b64","content_type":"image/png"}""");
        ha.Discover("homeassistant/image/url/config", """{"url_t":"img/url","url_tpl":"{{ value_json.url }}"}""");
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x80, 0xFE];

        ha.Registry.InjectStateMessage(new MqttMessage("door/snapshot", jpeg, Qos.AtMostOnce, retain: false));
        ha.Send("img/b64", Convert.ToBase64String(Encoding.ASCII.GetBytes("PNG!")));
        ha.Send("img/url", """{"url":"http://cam.local/latest.jpg"}""");

        Assert.Equal(jpeg, ha.Entity("camera/door").State.Image!.Bytes.ToArray());
        Assert.Equal("image/jpeg", ha.Entity("camera/door").State.Image!.ContentType);
        Assert.Equal("PNG!", Encoding.ASCII.GetString(ha.Entity("image/b64").State.Image!.Bytes.Span));
        Assert.Equal("image/png", ha.Entity("image/b64").State.Image!.ContentType);
        Assert.Equal("http://cam.local/latest.jpg", ha.Entity("image/url").State.Image!.Url);

        ha.Send("img/b64", "not base64!");
        Assert.Equal("PNG!", Encoding.ASCII.GetString(ha.Entity("image/b64").State.Image!.Bytes.Span));
        Assert.Equal(1, ha.Registry.GetStats().InvalidStatePayloads);
    }

    [Fact]
    public async Task Date_time_and_datetime_keep_python_isoformat()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/date/d/config", """{"cmd_t":"d/set","stat_t":"d/state"}""");
        ha.Discover("homeassistant/time/t/config", """{"cmd_t":"t/set","stat_t":"t/state"}""");
        ha.Discover("homeassistant/datetime/dt/config", """{"cmd_t":"dt/set","stat_t":"dt/state","val_tpl":"{{ value_json.at }}"}""");

        ha.Send("d/state", "2024-05-01T10:00:00");
        ha.Send("t/state", "7:30");
        ha.Send("dt/state", """{"at":"2024-05-01T07:30:00+02:00"}""");

        Assert.Equal("2024-05-01", ha.Entity("date/d").State.Value);
        Assert.Equal("07:30:00", ha.Entity("time/t").State.Value);
        Assert.Equal("2024-05-01T07:30:00+02:00", ha.Entity("datetime/dt").State.Value);
        ha.Send("d/state", "someday");
        Assert.Equal("2024-05-01", ha.Entity("date/d").State.Value);
    }

    [Theory]
    [InlineData("alarm_control_panel", """{"cmd_t":"a/set"}""", "state_topic")]
    [InlineData("humidifier", """{"cmd_t":"h/set"}""", "target_humidity_command_topic")]
    [InlineData("date", """{"stat_t":"d/state"}""", "command_topic")]
    [InlineData("image", """{"name":"no topic"}""", "image_topic")]
    [InlineData("infrared", """{"schema":"emitter"}""", "command_topic")]
    public async Task Configs_missing_a_required_key_are_rejected_and_counted(string component, string config, string key)
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover($"homeassistant/{component}/x/config", config);

        Assert.Empty(ha.Registry.Entities);
        Assert.Equal(1, ha.Registry.GetStats().RejectedByReason[RejectionReason.MissingRequiredKey]);
        Assert.Contains(key, ha.Registry.Rejections.Single().Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("valve", """{"cmd_t":"v/set","pos":true,"pl_open":"OPEN"}""")]
    [InlineData("humidifier", """{"cmd_t":"h","target_humidity_command_topic":"h/t","min_hum":80,"max_hum":40}""")]
    [InlineData("alarm_control_panel", """{"cmd_t":"a/set","stat_t":"a","sup_feat":["arm_home","arm_everything"]}""")]
    [InlineData("text", """{"cmd_t":"t","max":300}""")]
    [InlineData("image", """{"image_topic":"i","url_topic":"u"}""")]
    [InlineData("remote", """{"cmd_t":"r"}""")]
    public async Task Configs_home_assistant_refuses_are_rejected(string component, string config)
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover($"homeassistant/{component}/x/config", config);

        Assert.Empty(ha.Registry.Entities);
        Assert.Equal(1, ha.Registry.GetStats().Rejected);
    }

    [Fact]
    public async Task Options_carry_the_new_platforms_defaults()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/alarm_control_panel/a/config", """{"cmd_t":"a/set","stat_t":"a","cod_arm_req":false}""");
        ha.Discover("homeassistant/humidifier/h/config", """{"cmd_t":"h","hum_cmd_t":"h/t"}""");
        ha.Discover("homeassistant/water_heater/w/config", """{"mode_cmd_t":"w/m","temperature_unit":"F"}""");
        ha.Discover("homeassistant/text/t/config", """{"cmd_t":"t"}""");
        ha.Discover("homeassistant/valve/v/config", """{"cmd_t":"v","pos":"true"}""");

        var alarm = ha.Entity("alarm_control_panel/a").Options;
        Assert.Equal(["arm_home", "arm_away", "arm_night", "arm_vacation", "arm_custom_bypass", "trigger"], alarm.SupportedFeatures);
        Assert.Equal((false, true, true), (alarm.CodeArmRequired, alarm.CodeDisarmRequired, alarm.CodeTriggerRequired));
        Assert.Equal((0d, 100d), (ha.Entity("humidifier/h").Options.MinHumidity, ha.Entity("humidifier/h").Options.MaxHumidity));
        Assert.Empty(ha.Entity("humidifier/h").Options.Modes!);
        Assert.Equal((110d, 140d), (ha.Entity("water_heater/w").Options.MinTemp, ha.Entity("water_heater/w").Options.MaxTemp));
        Assert.Contains("heat_pump", ha.Entity("water_heater/w").Options.Modes!);
        Assert.Equal((0d, 255d, "text"), (ha.Entity("text/t").Options.Min, ha.Entity("text/t").Options.Max, ha.Entity("text/t").Options.Mode));
        Assert.Equal((true, 100d), (ha.Entity("valve/v").Options.ReportsPosition, ha.Entity("valve/v").Options.PositionOpen));
        Assert.Null(ha.Entity("text/t").Options.SupportedFeatures);
    }
}
