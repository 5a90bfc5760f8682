using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;

namespace Switchboard.HomeAssistant.Tests.Control;

/// <summary>The exact messages Home Assistant publishes for each service call, built without a broker.</summary>
public sealed class CommandPayloadTests
{
    private const string BasicLight = """
        {"cmd_t":"l/set","bri_cmd_t":"l/bri/set","bri_scl":100,"rgb_cmd_t":"l/rgb/set","clr_temp_cmd_t":"l/ct/set","xy_cmd_t":"l/xy/set",
         "hs_cmd_t":"l/hs/set","fx_cmd_t":"l/fx/set","fx_list":["rainbow"],"whit_cmd_t":"l/white/set","qos":1,"ret":true}
        """;

    [Fact]
    public async Task Basic_light_sends_one_topic_per_attribute_then_the_on_payload()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/light/l/config", BasicLight);
        var light = ha.Entity("light/l").AsLight();

        Assert.Equal([new("l/set", "ON", Qos.AtLeastOnce, true)], light.BuildTurnOn(new LightCommand()));
        Assert.Equal([new("l/set", "OFF", Qos.AtLeastOnce, true)], light.BuildTurnOff());
        Assert.Equal(Pairs(("l/bri/set", "50"), ("l/set", "ON")), Pairs(light.BuildTurnOn(new LightCommand { Brightness = 128 })));
        Assert.Equal(Pairs(("l/rgb/set", "255,128,0"), ("l/set", "ON")), Pairs(light.BuildTurnOn(new LightCommand { Rgb = new RgbColor(255, 128, 0) })));
        Assert.Equal(Pairs(("l/hs/set", "30.0,50.0"), ("l/set", "ON")), Pairs(light.BuildTurnOn(new LightCommand { Hs = new HsColor(30, 50) })));
        Assert.Equal(Pairs(("l/xy/set", "0.3,0.4"), ("l/set", "ON")), Pairs(light.BuildTurnOn(new LightCommand { Xy = new XyColor(0.3, 0.4) })));
        Assert.Equal(Pairs(("l/ct/set", "250"), ("l/set", "ON")), Pairs(light.BuildTurnOn(new LightCommand { ColorTempKelvin = 4000 })));
        Assert.Equal(Pairs(("l/ct/set", "370"), ("l/set", "ON")), Pairs(light.BuildTurnOn(new LightCommand { ColorTempMireds = 370 })));
        Assert.Equal(Pairs(("l/fx/set", "rainbow"), ("l/set", "ON")), Pairs(light.BuildTurnOn(new LightCommand { Effect = "rainbow" })));
        Assert.Equal(Pairs(("l/white/set", "128"), ("l/set", "ON")), Pairs(light.BuildTurnOn(new LightCommand { White = 128 })));
        Assert.Throws<ArgumentException>(() => light.BuildTurnOn(new LightCommand { Effect = "sparkle" }));
        Assert.Throws<NotSupportedException>(() => light.BuildTurnOn(new LightCommand { Transition = 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => light.BuildTurnOn(new LightCommand { Brightness = 256 }));
        Assert.Throws<ArgumentException>(() => light.BuildTurnOn(new LightCommand { Rgb = new RgbColor(1, 2, 3), ColorTempKelvin = 3000 }));
    }

    [Theory]
    [InlineData("first", 255, new[] { "l/set=ON", "l/bri/set=100" })]
    [InlineData("last", 255, new[] { "l/bri/set=100", "l/set=ON" })]
    [InlineData("brightness", 64, new[] { "l/bri/set=25" })]
    public async Task Basic_light_honours_on_command_type(string onCommandType, int brightness, string[] expected)
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/light/l/config", BasicLight.Replace("\"qos\":1", $"\"on_cmd_type\":\"{onCommandType}\",\"qos\":1", StringComparison.Ordinal));

        var messages = ha.Entity("light/l").AsLight().BuildTurnOn(new LightCommand { Brightness = brightness });

        Assert.Equal(expected, messages.Select(m => $"{m.Topic}={m.Payload}"));
    }

    [Fact]
    public async Task Basic_light_with_on_command_type_brightness_turns_on_with_full_brightness()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/light/l/config", """{"cmd_t":"l/set","bri_cmd_t":"l/bri","on_cmd_type":"brightness"}""");

        Assert.Equal(Pairs(("l/bri", "255")), Pairs(ha.Entity("light/l").AsLight().BuildTurnOn(new LightCommand())));
    }

    [Fact]
    public async Task Basic_light_renders_custom_payloads_and_command_templates()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/light/l/config", """
            {"cmd_t":"l/set","pl_on":"1","pl_off":"0","bri_cmd_t":"l/bri","bri_cmd_tpl":"{\"dim\": {{ value }}}","bri_scl":100,
             "rgb_cmd_t":"l/rgb","rgb_cmd_tpl":"{{ '#%02x%02x%02x' | format(red, green, blue) }}","clr_temp_k":true,"clr_temp_cmd_t":"l/ct"}
            """);
        var light = ha.Entity("light/l").AsLight();

        Assert.Equal(Pairs(("l/bri", """{"dim": 100}"""), ("l/set", "1")), Pairs(light.BuildTurnOn(new LightCommand { Brightness = 255 })));
        Assert.Equal(Pairs(("l/rgb", "#ff8000"), ("l/set", "1")), Pairs(light.BuildTurnOn(new LightCommand { Rgb = new RgbColor(255, 128, 0) })));
        Assert.Equal(Pairs(("l/ct", "3000"), ("l/set", "1")), Pairs(light.BuildTurnOn(new LightCommand { ColorTempKelvin = 3000 })));
        Assert.Equal(Pairs(("l/set", "0")), Pairs(light.BuildTurnOff()));
    }

    [Fact]
    public async Task Rgb_only_light_scales_the_color_by_brightness()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/light/l/config", """{"cmd_t":"x/set","rgb_cmd_t":"x/rgb"}""");
        var light = ha.Entity("light/l").AsLight();

        Assert.Equal(Pairs(("x/rgb", "128,64,0"), ("x/set", "ON")), Pairs(light.BuildTurnOn(new LightCommand { Rgb = new RgbColor(255, 128, 0), Brightness = 128 })));
        Assert.Equal(Pairs(("x/rgb", "128,128,128"), ("x/set", "ON")), Pairs(light.BuildTurnOn(new LightCommand { Brightness = 128 })));
    }

    [Fact]
    public async Task Json_light_sends_one_object_in_home_assistants_key_order()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.Z2mLightConfigTopic, RealWorld.Z2mLightConfig);
        var lamp = ha.Entity("0x001788010b9a1c2d_light_zigbee2mqtt").AsLight();
        const string Topic = "zigbee2mqtt/Living Room Lamp/set";

        Assert.Equal([new(Topic, """{"state":"ON"}""", Qos.AtMostOnce, false)], lamp.BuildTurnOn(new LightCommand()));
        Assert.Equal(Pairs((Topic, """{"state":"ON","brightness":127}""")), Pairs(lamp.BuildTurnOn(new LightCommand { Brightness = 128 })));
        Assert.Equal(Pairs((Topic, """{"state":"ON","color_temp":370}""")), Pairs(lamp.BuildTurnOn(new LightCommand { ColorTempKelvin = 2700 })));
        Assert.Equal(Pairs((Topic, """{"state":"ON","color":{"x":0.46,"y":0.41},"transition":2.0}""")), Pairs(lamp.BuildTurnOn(new LightCommand { Xy = new XyColor(0.46, 0.41), Transition = 2 })));
        Assert.Equal(Pairs((Topic, """{"state":"ON","flash":2,"brightness":254,"effect":"blink"}""")), Pairs(lamp.BuildTurnOn(new LightCommand { Brightness = 255, Effect = "blink", Flash = LightFlash.Short })));
        Assert.Equal(Pairs((Topic, """{"state":"OFF","transition":1.5}""")), Pairs(lamp.BuildTurnOff(transition: 1.5)));
        Assert.Equal(Pairs((Topic, """{"state":"OFF","flash":10}""")), Pairs(lamp.BuildTurnOff(flash: LightFlash.Long)));
        Assert.Throws<NotSupportedException>(() => lamp.BuildTurnOn(new LightCommand { Rgb = new RgbColor(1, 2, 3) }));
        Assert.Throws<NotSupportedException>(() => lamp.BuildTurnOn(new LightCommand { Hs = new HsColor(1, 2) }));
    }

    [Fact]
    public async Task Json_light_with_rgb_and_hs_modes()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/light/j/config", """{"schema":"json","cmd_t":"j/set","sup_clrm":["rgb","hs"]}""");
        ha.Discover("homeassistant/light/k/config", """{"schema":"json","cmd_t":"k/set","sup_clrm":["onoff"]}""");
        var rgb = ha.Entity("light/j").AsLight();

        Assert.Equal("""{"state":"ON","color":{"r":255,"g":128,"b":0},"brightness":128}""", rgb.BuildTurnOn(new LightCommand { Rgb = new RgbColor(255, 128, 0), Brightness = 128 })[0].Payload);
        Assert.Equal("""{"state":"ON","color":{"h":30.5,"s":100.0}}""", rgb.BuildTurnOn(new LightCommand { Hs = new HsColor(30.5, 100) })[0].Payload);
        Assert.Throws<NotSupportedException>(() => ha.Entity("light/k").AsLight().BuildTurnOn(new LightCommand { Brightness = 10 }));
    }

    [Fact]
    public async Task Template_light_renders_its_on_and_off_templates_with_the_variables()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/light/t/config", """
            {"schema":"template","cmd_t":"t/set",
             "cmd_on_tpl":"{\"state\": \"on\"{% if brightness is defined %}, \"brightness\": {{ brightness }}{% endif %}{% if red is defined %}, \"rgb\": [{{ red }}, {{ green }}, {{ blue }}]{% endif %}{% if transition is defined %}, \"transition\": {{ transition }}{% endif %}}",
             "cmd_off_tpl":"{\"state\": \"off\"}"}
            """);
        var light = ha.Entity("light/t").AsLight();

        Assert.Equal("""{"state": "on", "brightness": 200, "transition": 1.0}""", light.BuildTurnOn(new LightCommand { Brightness = 200, Transition = 1 })[0].Payload);
        Assert.Equal("""{"state": "on", "rgb": [255, 0, 0]}""", light.BuildTurnOn(new LightCommand { Rgb = new RgbColor(255, 0, 0) })[0].Payload);
        Assert.Equal("""{"state": "on", "rgb": [255, 127, 0]}""", light.BuildTurnOn(new LightCommand { Hs = new HsColor(30, 100) })[0].Payload);
        Assert.Equal("""{"state": "off"}""", light.BuildTurnOff()[0].Payload);
        Assert.Equal("t/set", light.BuildTurnOff()[0].Topic);
    }

    [Fact]
    public async Task Switch_sends_its_payloads_through_the_command_template()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);
        ha.Discover("homeassistant/switch/t/config", """{"cmd_t":"t/set","cmd_tpl":"{\"POWER\": \"{{ value }}\"}","pl_on":"on","ret":true,"qos":2}""");

        var relay = ha.Entity("A1B2C3_RL_1").AsSwitch();
        Assert.Equal([new(RealWorld.TasmotaCommand, "ON", Qos.AtMostOnce, false)], relay.BuildTurnOn());
        Assert.Equal([new(RealWorld.TasmotaCommand, "OFF", Qos.AtMostOnce, false)], relay.BuildTurnOff());
        Assert.Equal([new("t/set", """{"POWER": "on"}""", Qos.ExactlyOnce, true)], ha.Entity("switch/t").AsSwitch().BuildTurnOn());
    }

    [Fact]
    public async Task Cover_sends_payloads_positions_and_tilts_in_the_device_ranges()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/cover/c/config", """
            {"cmd_t":"c/set","set_pos_t":"c/pos/set","tilt_cmd_t":"c/tilt/set","pos_open":255,"pos_clsd":0,"tilt_min":0,"tilt_max":180,"pl_stop":null,"qos":1}
            """);
        ha.Discover("homeassistant/cover/d/config", """{"cmd_t":"d/set","set_pos_t":"d/pos","set_pos_tpl":"{\"pos\": {{ position }}, \"raw\": {{ value }}, \"open\": {{ position_open }}}","pos_open":255,"pl_open":"UP"}""");
        var cover = ha.Entity("cover/c").AsCover();
        var templated = ha.Entity("cover/d").AsCover();

        Assert.Equal([new("c/set", "OPEN", Qos.AtLeastOnce, false)], cover.BuildOpen());
        Assert.Equal("CLOSE", cover.BuildClose()[0].Payload);
        Assert.Throws<NotSupportedException>(() => cover.BuildStop());
        Assert.Equal([new("c/pos/set", "128", Qos.AtLeastOnce, false)], cover.BuildSetPosition(50));
        Assert.Equal("0", cover.BuildSetPosition(0)[0].Payload);
        Assert.Equal("255", cover.BuildSetPosition(100)[0].Payload);
        Assert.Equal([new("c/tilt/set", "90", Qos.AtLeastOnce, false)], cover.BuildSetTilt(50));
        Assert.Equal("UP", templated.BuildOpen()[0].Payload);
        Assert.Equal("STOP", templated.BuildStop()[0].Payload);
        Assert.Equal("""{"pos": 40, "raw": 102, "open": 255}""", templated.BuildSetPosition(40)[0].Payload);
        Assert.Throws<NotSupportedException>(() => templated.BuildSetTilt(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => cover.BuildSetPosition(101));
    }

    [Fact]
    public async Task Climate_sends_modes_and_temperatures_on_their_topics()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/climate/t/config", """
            {"mode_cmd_t":"t/mode/set","modes":["off","heat","cool"],"temp_cmd_t":"t/temp/set","temp_lo_cmd_t":"t/lo/set","temp_hi_cmd_t":"t/hi/set",
             "fan_mode_cmd_t":"t/fan/set","swing_mode_cmd_t":"t/swing/set","pr_mode_cmd_t":"t/preset/set","pr_modes":["eco"],"hum_cmd_t":"t/hum/set",
             "min_temp":7,"max_temp":30,"ret":true}
            """);
        ha.Discover("homeassistant/climate/p/config", """{"pow_cmd_t":"p/power","pow_cmd_tpl":"{\"power\": \"{{ value }}\"}","temp_cmd_t":"p/temp","temp_cmd_tpl":"{{ value | round(1) }}"}""");
        var climate = ha.Entity("climate/t").AsClimate();
        var powered = ha.Entity("climate/p").AsClimate();

        Assert.Equal([new("t/mode/set", "heat", Qos.AtMostOnce, true)], climate.BuildSetHvacMode("heat"));
        Assert.Equal(Pairs(("t/temp/set", "21.0")), Pairs(climate.BuildSetTemperature(21)));
        Assert.Equal(Pairs(("t/temp/set", "21.5")), Pairs(climate.BuildSetTemperature(21.5)));
        Assert.Equal(Pairs(("t/mode/set", "cool"), ("t/temp/set", "22.0")), Pairs(climate.BuildSetTemperature(22, "cool")));
        Assert.Equal(Pairs(("t/lo/set", "18.0"), ("t/hi/set", "24.5")), Pairs(climate.BuildSetTemperatureRange(18, 24.5)));
        Assert.Equal(Pairs(("t/fan/set", "high")), Pairs(climate.BuildSetFanMode("high")));
        Assert.Equal(Pairs(("t/swing/set", "on")), Pairs(climate.BuildSetSwingMode("on")));
        Assert.Equal(Pairs(("t/preset/set", "eco")), Pairs(climate.BuildSetPresetMode("eco")));
        Assert.Equal(Pairs(("t/hum/set", "45.0")), Pairs(climate.BuildSetHumidity(45)));
        Assert.Equal(Pairs(("t/mode/set", "off")), Pairs(climate.BuildTurnOff()));
        Assert.Equal(Pairs(("p/power", """{"power": "ON"}""")), Pairs(powered.BuildTurnOn()));
        Assert.Equal(Pairs(("p/power", """{"power": "OFF"}""")), Pairs(powered.BuildTurnOff()));
        Assert.Equal(Pairs(("p/temp", "21.3")), Pairs(powered.BuildSetTemperature(21.26)));
        Assert.Throws<ArgumentException>(() => climate.BuildSetHvacMode("turbo"));
        Assert.Throws<ArgumentException>(() => climate.BuildSetFanMode("hurricane"));
        Assert.Throws<ArgumentOutOfRangeException>(() => climate.BuildSetTemperature(31));
        Assert.Throws<NotSupportedException>(() => powered.BuildSetHvacMode("heat"));
    }

    [Fact]
    public async Task Fan_sends_on_then_percentage_in_its_speed_range_then_preset()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/fan/f/config", """
            {"cmd_t":"f/set","pct_cmd_t":"f/pct/set","pr_mode_cmd_t":"f/preset/set","pr_modes":["auto","sleep"],"osc_cmd_t":"f/osc/set","dir_cmd_t":"f/dir/set",
             "spd_rng_min":1,"spd_rng_max":3}
            """);
        ha.Discover("homeassistant/fan/g/config", """{"cmd_t":"g/set","cmd_tpl":"{\"state\": \"{{ value }}\"}","pct_cmd_t":"g/pct","pct_cmd_tpl":"{{ value * 10 }}","osc_cmd_t":"g/osc","pl_osc_on":"yes","pl_osc_off":"no"}""");
        var fan = ha.Entity("fan/f").AsFan();
        var custom = ha.Entity("fan/g").AsFan();

        Assert.Equal(Pairs(("f/set", "ON"), ("f/pct/set", "2"), ("f/preset/set", "auto")), Pairs(fan.BuildTurnOn(50, "auto")));
        Assert.Equal(Pairs(("f/set", "OFF")), Pairs(fan.BuildTurnOff()));
        Assert.Equal("3", fan.BuildSetPercentage(100)[0].Payload);
        Assert.Equal("1", fan.BuildSetPercentage(1)[0].Payload);
        Assert.Equal("0", fan.BuildSetPercentage(0)[0].Payload);
        Assert.Equal(Pairs(("f/osc/set", "oscillate_on")), Pairs(fan.BuildOscillate(true)));
        Assert.Equal(Pairs(("f/osc/set", "oscillate_off")), Pairs(fan.BuildOscillate(false)));
        Assert.Equal(Pairs(("f/dir/set", "reverse")), Pairs(fan.BuildSetDirection("reverse")));
        Assert.Equal(Pairs(("g/set", """{"state": "ON"}""")), Pairs(custom.BuildTurnOn()));
        Assert.Equal(Pairs(("g/pct", "330")), Pairs(custom.BuildSetPercentage(33)));
        Assert.Equal(Pairs(("g/osc", "yes")), Pairs(custom.BuildOscillate(true)));
        Assert.Throws<ArgumentException>(() => fan.BuildSetPresetMode("turbo"));
        Assert.Throws<ArgumentException>(() => fan.BuildSetDirection("sideways"));
        Assert.Throws<NotSupportedException>(() => custom.BuildSetPresetMode("x"));
    }

    [Fact]
    public async Task Lock_sends_lock_unlock_and_open_with_the_code_variable()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/lock/l/config", """{"cmd_t":"l/set","pl_open":"UNLATCH","cmd_tpl":"{\"action\":\"{{ value }}\",\"code\":\"{{ code }}\"}"}""");
        ha.Discover("homeassistant/lock/p/config", """{"cmd_t":"p/set","cod_form":"^\\d{4}$","pl_lock":"CLOSE"}""");
        var door = ha.Entity("lock/l").AsLock();
        var pin = ha.Entity("lock/p").AsLock();

        Assert.Equal("""{"action":"LOCK","code":"1234"}""", door.BuildLock("1234")[0].Payload);
        Assert.Equal("""{"action":"UNLOCK","code":"None"}""", door.BuildUnlock()[0].Payload);
        Assert.Equal("""{"action":"UNLATCH","code":"None"}""", door.BuildOpen()[0].Payload);
        Assert.True(door.SupportsOpen);
        Assert.Equal(Pairs(("p/set", "CLOSE")), Pairs(pin.BuildLock("1234")));
        Assert.Equal(Pairs(("p/set", "UNLOCK")), Pairs(pin.BuildUnlock("0000")));
        Assert.Throws<ArgumentException>(() => pin.BuildLock("12"));
        Assert.Throws<NotSupportedException>(() => pin.BuildOpen("1234"));
    }

    [Fact]
    public async Task Number_select_and_button()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/number/n/config", """{"cmd_t":"n/set","min":0,"max":100,"step":0.5}""");
        ha.Discover("homeassistant/number/m/config", """{"cmd_t":"m/set","cmd_tpl":"{\"value\": {{ value }}}"}""");
        ha.Discover("homeassistant/select/s/config", """{"cmd_t":"s/set","ops":["low","high"],"cmd_tpl":"{\"mode\":\"{{ value }}\"}"}""");
        ha.Discover("homeassistant/button/b/config", """{"cmd_t":"b/press"}""");
        ha.Discover("homeassistant/button/r/config", """{"cmd_t":"r/press","pl_prs":"restart","ret":false,"qos":1}""");

        var number = ha.Entity("number/n").AsNumber();
        Assert.Equal(Pairs(("n/set", "5")), Pairs(number.BuildSetValue(5)));
        Assert.Equal(Pairs(("n/set", "5.5")), Pairs(number.BuildSetValue(5.5)));
        Assert.Equal(Pairs(("n/set", "0")), Pairs(number.BuildSetValue(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => number.BuildSetValue(101));
        Assert.Equal("""{"value": 1}""", ha.Entity("number/m").AsNumber().BuildSetValue(1)[0].Payload);
        Assert.Throws<ArgumentOutOfRangeException>(() => ha.Entity("number/m").AsNumber().BuildSetValue(0));
        Assert.Equal(Pairs(("s/set", """{"mode":"high"}""")), Pairs(ha.Entity("select/s").AsSelect().BuildSelectOption("high")));
        Assert.Throws<ArgumentException>(() => ha.Entity("select/s").AsSelect().BuildSelectOption("mid"));
        Assert.Equal([new("b/press", "PRESS", Qos.AtMostOnce, false)], ha.Entity("button/b").AsButton().BuildPress());
        Assert.Equal([new("r/press", "restart", Qos.AtLeastOnce, false)], ha.Entity("button/r").AsButton().BuildPress());
    }

    [Fact]
    public async Task A_control_of_the_wrong_component_is_refused()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(RealWorld.TasmotaRelayConfigTopic, RealWorld.TasmotaRelayConfig);

        var error = Assert.Throws<InvalidOperationException>(() => ha.Entity("A1B2C3_RL_1").AsLight());
        Assert.Contains("is a switch, not a light", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_follow_a_rediscovered_config()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/switch/s/config", """{"cmd_t":"old/set"}""");
        var control = ha.Entity("switch/s").AsSwitch();

        ha.Discover("homeassistant/switch/s/config", """{"cmd_t":"new/set","pl_on":"1"}""");

        Assert.Equal(Pairs(("new/set", "1")), Pairs(control.BuildTurnOn()));
    }

    private static List<(string Topic, string Payload)> Pairs(params (string Topic, string Payload)[] pairs) => [.. pairs];

    private static List<(string Topic, string Payload)> Pairs(IReadOnlyList<CommandMessage> messages) => [.. messages.Select(m => (m.Topic, m.Payload))];
}
