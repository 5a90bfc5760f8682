using Switchboard.HomeAssistant.Tests.Support;

namespace Switchboard.HomeAssistant.Tests.Platforms;

/// <summary>The exact messages Home Assistant publishes for the newer platforms' service calls, built without a broker.</summary>
public sealed class PlatformCommandTests
{
    private static string[] Pairs(IReadOnlyList<CommandMessage> messages) => [.. messages.Select(m => $"{m.Topic}={m.Payload}")];

    [Fact]
    public async Task Alarm_panel_publishes_its_payloads_and_checks_the_code()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/alarm_control_panel/a/config", """{"cmd_t":"a/set","stat_t":"a/state","code":"1234","cod_arm_req":false,"qos":1}""");
        var alarm = ha.Entity("alarm_control_panel/a").AsAlarmControlPanel();

        Assert.Equal([new("a/set", "ARM_HOME", Qos.AtLeastOnce, false)], alarm.BuildArmHome());
        Assert.Equal(["a/set=ARM_AWAY"], Pairs(alarm.BuildArmAway()));
        Assert.Equal(["a/set=ARM_NIGHT"], Pairs(alarm.BuildArmNight()));
        Assert.Equal(["a/set=ARM_VACATION"], Pairs(alarm.BuildArmVacation()));
        Assert.Equal(["a/set=ARM_CUSTOM_BYPASS"], Pairs(alarm.BuildArmCustomBypass()));
        Assert.Equal(["a/set=DISARM"], Pairs(alarm.BuildDisarm("1234")));
        Assert.Equal(["a/set=TRIGGER"], Pairs(alarm.BuildTrigger("1234")));
        Assert.Throws<ArgumentException>(() => alarm.BuildDisarm("0000"));
        Assert.Throws<ArgumentException>(() => alarm.BuildTrigger());
        Assert.Equal("number", alarm.CodeFormat);
    }

    [Fact]
    public async Task Alarm_panel_renders_its_command_template_with_action_and_code()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/alarm_control_panel/a/config", """
            {"cmd_t":"a/set","stat_t":"a/state","code":"REMOTE_CODE","cmd_tpl":"{\"action\":\"{{ action }}\",\"code\":\"{{ code }}\"}","sup_feat":["arm_away"],"pl_arm_away":"AWAY"}
            """);
        var alarm = ha.Entity("alarm_control_panel/a").AsAlarmControlPanel();

        Assert.Equal(["""a/set={"action":"AWAY","code":"0123"}"""], Pairs(alarm.BuildArmAway("0123")));
        Assert.Equal(["""a/set={"action":"DISARM","code":"abc"}"""], Pairs(alarm.BuildDisarm("abc")));
        Assert.Throws<ArgumentException>(() => alarm.BuildArmAway());
        Assert.Throws<NotSupportedException>(() => alarm.BuildArmHome("0123"));
        Assert.Throws<NotSupportedException>(() => alarm.BuildTrigger("0123"));
    }

    [Fact]
    public async Task Valve_publishes_payloads_and_rescaled_positions()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/valve/plain/config", """{"cmd_t":"v/set","pl_stop":"HALT"}""");
        ha.Discover("homeassistant/valve/pos/config", """{"cmd_t":"p/set","pos":true,"pos_open":255,"cmd_tpl":"{\"position\": {{ value }}, \"percent\": {{ position }}}"}""");
        var plain = ha.Entity("valve/plain").AsValve();
        var positioned = ha.Entity("valve/pos").AsValve();

        Assert.Equal(["v/set=OPEN"], Pairs(plain.BuildOpen()));
        Assert.Equal(["v/set=CLOSE"], Pairs(plain.BuildClose()));
        Assert.Equal(["v/set=HALT"], Pairs(plain.BuildStop()));
        Assert.Throws<NotSupportedException>(() => plain.BuildSetPosition(50));
        Assert.Equal(["""p/set={"position": 158, "percent": 62}"""], Pairs(positioned.BuildSetPosition(62)));
        Assert.Equal(["""p/set={"position": 255, "percent": 100}"""], Pairs(positioned.BuildSetPosition(100)));
        Assert.Throws<NotSupportedException>(() => positioned.BuildStop());
        Assert.Throws<ArgumentOutOfRangeException>(() => positioned.BuildSetPosition(101));
    }

    [Fact]
    public async Task Humidifier_publishes_power_humidity_and_mode_through_their_templates()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/humidifier/h/config", """
            {"cmd_t":"h/set","cmd_tpl":"{\"state\": \"{{ value }}\"}","hum_cmd_t":"h/humidity","hum_cmd_tpl":"{\"humidity\": {{ value }}}","mode_cmd_t":"h/mode","modes":["eco","boost"],"min_hum":30,"max_hum":80}
            """);
        var humidifier = ha.Entity("humidifier/h").AsHumidifier();

        Assert.Equal(["""h/set={"state": "ON"}"""], Pairs(humidifier.BuildTurnOn()));
        Assert.Equal(["""h/set={"state": "OFF"}"""], Pairs(humidifier.BuildTurnOff()));
        Assert.Equal(["""h/humidity={"humidity": 55}"""], Pairs(humidifier.BuildSetHumidity(55)));
        Assert.Equal(["h/mode=boost"], Pairs(humidifier.BuildSetMode("boost")));
        Assert.Throws<ArgumentOutOfRangeException>(() => humidifier.BuildSetHumidity(85));
        Assert.Throws<ArgumentException>(() => humidifier.BuildSetMode("turbo"));
    }

    [Fact]
    public async Task Water_heater_publishes_mode_temperature_and_power()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/water_heater/w/config", """{"mode_cmd_t":"w/mode","temp_cmd_t":"w/temp","pow_cmd_t":"w/power","pl_on":"1","pl_off":"0","temperature_unit":"C"}""");
        var heater = ha.Entity("water_heater/w").AsWaterHeater();

        Assert.Equal(["w/mode=eco"], Pairs(heater.BuildSetOperationMode("eco")));
        Assert.Equal(["w/temp=55.0"], Pairs(heater.BuildSetTemperature(55)));
        Assert.Equal(["w/power=1"], Pairs(heater.BuildTurnOn()));
        Assert.Equal(["w/power=0"], Pairs(heater.BuildTurnOff()));
        Assert.Throws<ArgumentException>(() => heater.BuildSetOperationMode("turbo"));
        Assert.Throws<ArgumentOutOfRangeException>(() => heater.BuildSetTemperature(90));
    }

    [Fact]
    public async Task Text_checks_length_and_pattern_before_rendering()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/text/t/config", """{"cmd_t":"t/set","cmd_tpl":"{\"text\": \"{{ value }}\"}","min":1,"max":8,"ptrn":"[a-z]+"}""");
        var text = ha.Entity("text/t").AsText();

        Assert.Equal(["""t/set={"text": "hello"}"""], Pairs(text.BuildSetValue("hello")));
        Assert.Throws<ArgumentException>(() => text.BuildSetValue("HELLO"));
        Assert.Throws<ArgumentException>(() => text.BuildSetValue(""));
        Assert.Throws<ArgumentException>(() => text.BuildSetValue("muchtoolong"));
    }

    [Fact]
    public async Task Siren_sends_json_without_a_template_and_renders_templates_with_its_variables()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/siren/json/config", """{"cmd_t":"s/set","av_tones":["ping","siren"]}""");
        ha.Discover("homeassistant/siren/tpl/config", """{"cmd_t":"t/set","cmd_tpl":"{{ value }}:{{ tone }}:{{ duration }}","cmd_off_tpl":"stop-{{ value }}","sup_vol":false}""");
        var json = ha.Entity("siren/json").AsSiren();
        var templated = ha.Entity("siren/tpl").AsSiren();

        Assert.Equal(["""s/set={"state":"ON"}"""], Pairs(json.BuildTurnOn()));
        Assert.Equal(["""s/set={"state":"ON","tone":"ping","volume_level":0.5,"duration":10}"""], Pairs(json.BuildTurnOn("ping", 0.5, 10)));
        Assert.Equal(["""s/set={"state":"OFF"}"""], Pairs(json.BuildTurnOff()));
        Assert.Throws<ArgumentException>(() => json.BuildTurnOn("bell"));
        Assert.Equal(["t/set=ON::5"], Pairs(templated.BuildTurnOn(duration: 5)));
        Assert.Equal(["t/set=stop-OFF"], Pairs(templated.BuildTurnOff()));
        Assert.Throws<NotSupportedException>(() => templated.BuildTurnOn(tone: "ping"));
        Assert.Throws<NotSupportedException>(() => templated.BuildTurnOn(volumeLevel: 0.2));
    }

    [Fact]
    public async Task Update_scene_notify_and_lawn_mower_publish_their_payloads()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/update/u/config", """{"cmd_t":"zigbee2mqtt/bridge/request/device/ota_update/update","pl_inst":"{\"id\": \"0x1\"}","stat_t":"u/state"}""");
        ha.Discover("homeassistant/scene/s/config", """{"cmd_t":"tasmota/cmnd/Scene","pl_on":"Movie"}""");
        ha.Discover("homeassistant/scene/d/config", """{"cmd_t":"scene/default"}""");
        ha.Discover("homeassistant/notify/n/config", """{"cmd_t":"display/text","cmd_tpl":"{\"text\": \"{{ value }}\"}"}""");
        ha.Discover("homeassistant/lawn_mower/m/config", """{"start_mowing_command_topic":"m/start","pause_command_topic":"m/pause","pause_command_template":"{\"cmd\": \"{{ value }}\"}"}""");

        Assert.Equal(["""zigbee2mqtt/bridge/request/device/ota_update/update={"id": "0x1"}"""], Pairs(ha.Entity("update/u").AsUpdate().BuildInstall()));
        Assert.Equal(["tasmota/cmnd/Scene=Movie"], Pairs(ha.Entity("scene/s").AsScene().BuildActivate()));
        Assert.Equal(["scene/default=ON"], Pairs(ha.Entity("scene/d").AsScene().BuildActivate()));
        Assert.Equal(["""display/text={"text": "Dinner is ready"}"""], Pairs(ha.Entity("notify/n").AsNotify().BuildSendMessage("Dinner is ready")));
        var mower = ha.Entity("lawn_mower/m").AsLawnMower();
        Assert.Equal(["m/start=start_mowing"], Pairs(mower.BuildStartMowing()));
        Assert.Equal(["""m/pause={"cmd": "pause"}"""], Pairs(mower.BuildPause()));
        Assert.Throws<NotSupportedException>(() => mower.BuildDock());
    }

    [Fact]
    public async Task Vacuum_publishes_payloads_fan_speeds_and_raw_commands_for_supported_features()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/vacuum/v/config", """
            {"cmd_t":"v/cmd","pl_ret":"dock","set_fan_spd_t":"v/fan","fanspd_lst":["min","max"],"send_cmd_t":"v/custom","sup_feat":["start","pause","return_home","fan_speed","send_command"]}
            """);
        var vacuum = ha.Entity("vacuum/v").AsVacuum();

        Assert.Equal(["v/cmd=start"], Pairs(vacuum.BuildStart()));
        Assert.Equal(["v/cmd=pause"], Pairs(vacuum.BuildPause()));
        Assert.Equal(["v/cmd=dock"], Pairs(vacuum.BuildReturnToBase()));
        Assert.Equal(["v/fan=max"], Pairs(vacuum.BuildSetFanSpeed("max")));
        Assert.Equal(["v/custom=reset_filter"], Pairs(vacuum.BuildSendCommand("reset_filter")));
        Assert.Equal(["""v/custom={"command":"segment_clean","segments":"kitchen","repeats":2}"""], Pairs(vacuum.BuildSendCommand("segment_clean", new Dictionary<string, object?> { ["segments"] = "kitchen", ["repeats"] = 2 })));
        Assert.Throws<NotSupportedException>(() => vacuum.BuildLocate());
        Assert.Throws<NotSupportedException>(() => vacuum.BuildStop());
        Assert.Throws<ArgumentException>(() => vacuum.BuildSetFanSpeed("turbo"));
    }

    [Fact]
    public async Task Date_time_and_datetime_send_python_isoformat_through_their_templates()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/date/d/config", """{"cmd_t":"d/set"}""");
        ha.Discover("homeassistant/time/t/config", """{"cmd_t":"t/set","cmd_tpl":"{\"time\": \"{{ value }}\"}"}""");
        ha.Discover("homeassistant/datetime/dt/config", """{"cmd_t":"dt/set"}""");

        Assert.Equal(["d/set=2024-05-01"], Pairs(ha.Entity("date/d").AsDate().BuildSetValue(new DateOnly(2024, 5, 1))));
        Assert.Equal(["""t/set={"time": "07:30:00"}"""], Pairs(ha.Entity("time/t").AsTime().BuildSetValue(new TimeOnly(7, 30))));
        Assert.Equal(["dt/set=2024-05-01T07:30:00+02:00"], Pairs(ha.Entity("datetime/dt").AsDateTime().BuildSetValue(new DateTimeOffset(2024, 5, 1, 7, 30, 0, TimeSpan.FromHours(2)))));
    }

    [Fact]
    public async Task A_template_that_cannot_render_sends_nothing_on_the_new_platforms()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/valve/v/config", """{"cmd_t":"v/set","cmd_tpl":"{{ states('sensor.x') }}"}""");
        ha.Discover("homeassistant/humidifier/h/config", """{"cmd_t":"h/set","hum_cmd_t":"h/hum","hum_cmd_tpl":"{{ value | float | nonsense }}"}""");
        ha.Discover("homeassistant/alarm_control_panel/a/config", """{"cmd_t":"a/set","stat_t":"a","cmd_tpl":"{% for x in y %}{% endfor %}"}""");
        ha.Discover("homeassistant/siren/s/config", """{"cmd_t":"s/set","cmd_tpl":"{{ 1 / 0 }}"}""");
        ha.Discover("homeassistant/text/t/config", """{"cmd_t":"t/set","cmd_tpl":"{{ value | float }}"}""");

        Assert.True(Assert.Throws<CommandTemplateException>(() => ha.Entity("valve/v").AsValve().BuildOpen()).IsUnsupported);
        Assert.Equal("target_humidity_command_template", Assert.Throws<CommandTemplateException>(() => ha.Entity("humidifier/h").AsHumidifier().BuildSetHumidity(40)).Option);
        Assert.Throws<CommandTemplateException>(() => ha.Entity("alarm_control_panel/a").AsAlarmControlPanel().BuildArmAway());
        Assert.False(Assert.Throws<CommandTemplateException>(() => ha.Entity("siren/s").AsSiren().BuildTurnOn()).IsUnsupported);
        Assert.Throws<CommandTemplateException>(() => ha.Entity("text/t").AsText().BuildSetValue("abc"));
    }
}
