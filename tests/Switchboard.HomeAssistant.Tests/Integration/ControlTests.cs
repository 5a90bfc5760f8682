using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.Integration;

/// <summary>Control calls on discovered entities, observed by a raw subscriber: exact topic, payload and retain flag.</summary>
public sealed class ControlTests
{
    private static readonly (string Topic, string Config)[] Configs =
    [
        ("homeassistant/light/basic/config", """{"cmd_t":"cmd/basic/set","bri_cmd_t":"cmd/basic/bri","bri_scl":100,"clr_temp_cmd_t":"cmd/basic/ct","rgb_cmd_t":"cmd/basic/rgb","on_cmd_type":"first"}"""),
        (RealWorld.Z2mLightConfigTopic, RealWorld.Z2mLightConfig.Replace("zigbee2mqtt/Living Room Lamp/set", "cmd/lamp/set", StringComparison.Ordinal)),
        ("homeassistant/switch/sw/config", """{"cmd_t":"cmd/sw","cmd_tpl":"{\"POWER\":\"{{ value }}\"}","ret":true,"qos":1}"""),
        ("homeassistant/cover/blind/config", """{"cmd_t":"cmd/blind","set_pos_t":"cmd/blind/pos","tilt_cmd_t":"cmd/blind/tilt","pos_open":255,"tilt_max":180}"""),
        ("homeassistant/climate/trv/config", """{"mode_cmd_t":"cmd/trv/mode","modes":["off","heat"],"temp_cmd_t":"cmd/trv/temp","fan_mode_cmd_t":"cmd/trv/fan","swing_mode_cmd_t":"cmd/trv/swing","pr_mode_cmd_t":"cmd/trv/preset","pr_modes":["eco"]}"""),
        ("homeassistant/fan/fan/config", """{"cmd_t":"cmd/fan","pct_cmd_t":"cmd/fan/pct","pct_cmd_tpl":"{\"speed\": {{ value }}}","pr_mode_cmd_t":"cmd/fan/preset","pr_modes":["sleep"],"osc_cmd_t":"cmd/fan/osc"}"""),
        ("homeassistant/lock/door/config", """{"cmd_t":"cmd/door","pl_open":"OPEN","cmd_tpl":"{{ value }}:{{ code }}"}"""),
        ("homeassistant/number/num/config", """{"cmd_t":"cmd/num","min":0,"max":10,"step":0.5,"ret":true}"""),
        ("homeassistant/select/sel/config", """{"cmd_t":"cmd/sel","ops":["a","b"]}"""),
        ("homeassistant/button/btn/config", """{"cmd_t":"cmd/btn","pl_prs":"GO"}"""),
    ];

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Every_control_call_publishes_what_home_assistant_publishes(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var devices = await RawMqttPeer.ConnectAsync(broker, "devices");
        foreach (var (topic, config) in Configs)
        {
            await devices.PublishAsync(topic, config, retain: true);
        }

        await devices.SubscribeAsync("cmd/#");
        await using var client = await Clients.ConnectAsync(broker, "controller", health: false);
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync(cancellationToken: budget.Token);
        await Eventually.WaitAsync(() => registry.Entities.Count == Configs.Length, "every config is discovered");

        async Task Expect(Func<Task> action, params (string Topic, string Payload, bool Retain)[] expected)
        {
            devices.Clear();
            await action();
            await Eventually.WaitAsync(() => devices.Received.Count >= expected.Length, $"{expected.Length} message(s) on {expected[0].Topic}");
            Assert.Equal(expected, devices.Received.Select(m => (m.Topic, m.Payload, m.Retain)));
        }

        var basic = registry.Control("light/basic").AsLight();
        await Expect(() => basic.TurnOnAsync(new LightCommand { Brightness = 128, ColorTempKelvin = 2000 }, cancellationToken: budget.Token), ("cmd/basic/set", "ON", false), ("cmd/basic/bri", "50", false), ("cmd/basic/ct", "500", false));
        await Expect(() => basic.TurnOnAsync(new LightCommand { Rgb = new RgbColor(10, 20, 30) }, cancellationToken: budget.Token), ("cmd/basic/set", "ON", false), ("cmd/basic/rgb", "10,20,30", false));
        await Expect(() => basic.TurnOffAsync(cancellationToken: budget.Token), ("cmd/basic/set", "OFF", false));

        var lamp = registry.Control("0x001788010b9a1c2d_light_zigbee2mqtt").AsLight();
        await Expect(() => lamp.TurnOnAsync(new LightCommand { Brightness = 255, ColorTempKelvin = 2700, Transition = 0.5 }, cancellationToken: budget.Token), ("cmd/lamp/set", """{"state":"ON","transition":0.5,"brightness":254,"color_temp":370}""", false));
        await Expect(() => lamp.TurnOnAsync(new LightCommand { Xy = new XyColor(0.7, 0.3) }, cancellationToken: budget.Token), ("cmd/lamp/set", """{"state":"ON","color":{"x":0.7,"y":0.3}}""", false));
        await Expect(() => lamp.TurnOffAsync(cancellationToken: budget.Token), ("cmd/lamp/set", """{"state":"OFF"}""", false));

        var sw = registry.Control("switch/sw").AsSwitch();
        await Expect(() => sw.TurnOnAsync(cancellationToken: budget.Token), ("cmd/sw", """{"POWER":"ON"}""", true));
        await Expect(() => sw.TurnOffAsync(cancellationToken: budget.Token), ("cmd/sw", """{"POWER":"OFF"}""", true));

        var blind = registry.Control("cover/blind").AsCover();
        await Expect(() => blind.OpenAsync(cancellationToken: budget.Token), ("cmd/blind", "OPEN", false));
        await Expect(() => blind.StopAsync(cancellationToken: budget.Token), ("cmd/blind", "STOP", false));
        await Expect(() => blind.SetPositionAsync(20, cancellationToken: budget.Token), ("cmd/blind/pos", "51", false));
        await Expect(() => blind.SetTiltAsync(50, cancellationToken: budget.Token), ("cmd/blind/tilt", "90", false));

        var trv = registry.Control("climate/trv").AsClimate();
        await Expect(() => trv.SetTemperatureAsync(21, "heat", cancellationToken: budget.Token), ("cmd/trv/mode", "heat", false), ("cmd/trv/temp", "21.0", false));
        await Expect(() => trv.SetFanModeAsync("low", cancellationToken: budget.Token), ("cmd/trv/fan", "low", false));
        await Expect(() => trv.SetSwingModeAsync("off", cancellationToken: budget.Token), ("cmd/trv/swing", "off", false));
        await Expect(() => trv.SetPresetModeAsync("eco", cancellationToken: budget.Token), ("cmd/trv/preset", "eco", false));

        var fan = registry.Control("fan/fan").AsFan();
        await Expect(() => fan.TurnOnAsync(percentage: 40, presetMode: "sleep", cancellationToken: budget.Token), ("cmd/fan", "ON", false), ("cmd/fan/pct", """{"speed": 40}""", false), ("cmd/fan/preset", "sleep", false));
        await Expect(() => fan.OscillateAsync(true, cancellationToken: budget.Token), ("cmd/fan/osc", "oscillate_on", false));
        await Expect(() => fan.TurnOffAsync(cancellationToken: budget.Token), ("cmd/fan", "OFF", false));

        var door = registry.Control("lock/door").AsLock();
        await Expect(() => door.LockAsync("4321", cancellationToken: budget.Token), ("cmd/door", "LOCK:4321", false));
        await Expect(() => door.OpenAsync(cancellationToken: budget.Token), ("cmd/door", "OPEN:None", false));

        await Expect(() => registry.Control("number/num").AsNumber().SetValueAsync(7.5, cancellationToken: budget.Token), ("cmd/num", "7.5", true));
        await Expect(() => registry.Control("select/sel").AsSelect().SelectOptionAsync("b", cancellationToken: budget.Token), ("cmd/sel", "b", false));
        await Expect(() => registry.Control("button/btn").AsButton().PressAsync(cancellationToken: budget.Token), ("cmd/btn", "GO", false));
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task The_simple_device_topics_of_the_python_services(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var device = await RawMqttPeer.ConnectAsync(broker, "kitchen-light");
        await device.SubscribeAsync("smarthome/+/+/set");
        await device.SubscribeAsync("house/+/+/set");
        await device.PublishAsync("smarthome/light/kitchen/state", """{"state":"on","brightness":80}""", retain: true);
        await device.PublishAsync("smarthome/light/kitchen/availability", "online", retain: true);
        await using var client = await Clients.ConnectAsync(broker, "python-compatible", health: false);
        await using var prefixed = await Clients.ConnectAsync(broker, "prefixed", health: false, topicPrefix: "house");

        await client.SetDeviceStateAsync("light", "kitchen", new { State = "on", Brightness = 80, ColorTemp = 4000 }, cancellationToken: budget.Token);
        var set = await device.WaitForAsync(m => m.Topic == "smarthome/light/kitchen/set", "the set command");
        Assert.Equal("""{"state":"on","brightness":80,"color_temp":4000}""", set.Payload);

        await prefixed.SetDeviceStateAsync("switch", "fan", "ON", cancellationToken: budget.Token);
        Assert.Equal("ON", (await device.WaitForAsync(m => m.Topic == "house/switch/fan/set", "the prefixed command")).Payload);

        var state = await client.GetDeviceStateAsync("light", "kitchen", cancellationToken: budget.Token);
        Assert.NotNull(state);
        Assert.True(state.Retained);
        Assert.Equal("on", state.Json!.Value.GetProperty("state").GetString());
        Assert.True(await client.GetDeviceAvailabilityAsync("light", "kitchen", cancellationToken: budget.Token));
        Assert.Null(await client.GetDeviceStateAsync("light", "nowhere", TimeSpan.FromMilliseconds(200), cancellationToken: budget.Token));
        Assert.Equal("smarthome/light/kitchen/availability", client.DeviceTopic("light", "kitchen", "availability"));
        Assert.Throws<ArgumentException>(() => client.DeviceTopic("light", "a/b", "set"));
    }
}
