using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.Integration;

/// <summary>The newer platforms end to end on a real broker: discovered from retained configs, state from retained and
/// live messages, commands observed by a raw subscriber.</summary>
public sealed class PlatformIntegrationTests
{
    private static readonly (string Topic, string Config)[] Configs =
    [
        ("homeassistant/alarm_control_panel/house/alarm/config", """{"uniq_id":"alarm","stat_t":"dev/alarm/state","cmd_t":"cmd/alarm","code":"1234","cod_arm_req":false}"""),
        ("homeassistant/valve/garden/config", """{"uniq_id":"valve","stat_t":"dev/valve/state","cmd_t":"cmd/valve","pos":true}"""),
        ("homeassistant/humidifier/bath/config", """{"uniq_id":"hum","stat_t":"dev/hum","stat_val_tpl":"{{ value_json.state }}","hum_stat_t":"dev/hum","hum_state_tpl":"{{ value_json.humidity }}","cmd_t":"cmd/hum","hum_cmd_t":"cmd/hum/target"}"""),
        ("homeassistant/water_heater/boiler/config", """{"uniq_id":"boiler","mode_stat_t":"dev/boiler/mode","mode_cmd_t":"cmd/boiler/mode","temp_cmd_t":"cmd/boiler/temp"}"""),
        ("homeassistant/siren/hall/config", """{"uniq_id":"siren","stat_t":"dev/siren","cmd_t":"cmd/siren","av_tones":["ping"]}"""),
        ("homeassistant/update/fw/config", """{"uniq_id":"fw","stat_t":"dev/fw","cmd_t":"cmd/fw","pl_inst":"install"}"""),
        ("homeassistant/scene/movie/config", """{"uniq_id":"movie","cmd_t":"cmd/scene"}"""),
        ("homeassistant/vacuum/robot/config", """{"uniq_id":"robot","stat_t":"dev/robot","cmd_t":"cmd/robot"}"""),
        ("homeassistant/text/display/config", """{"uniq_id":"text","stat_t":"dev/text","cmd_t":"cmd/text"}"""),
    ];

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task New_platforms_are_discovered_follow_their_state_and_are_driven(string brokerName)
    {
        using var budget = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var devices = await RawMqttPeer.ConnectAsync(broker, "devices");
        foreach (var (topic, config) in Configs)
        {
            await devices.PublishAsync(topic, config, retain: true);
        }

        await devices.PublishAsync("dev/alarm/state", "armed_away", retain: true);
        await devices.PublishAsync("dev/valve/state", """{"state":"opening","position":40}""", retain: true);
        await devices.PublishAsync("dev/fw", """{"installed_version":"1.0","latest_version":"1.1"}""", retain: true);
        await devices.SubscribeAsync("cmd/#");
        await using var client = await Clients.ConnectAsync(broker, "controller", health: false);
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync(cancellationToken: budget.Token);
        await registry.WaitUntilReadyAsync(budget.Token);

        Assert.Equal(Configs.Length, registry.Entities.Count);
        Assert.Equal("armed_away", registry.GetEntity("alarm").State.Value);
        Assert.Equal(("opening", 40), (registry.GetEntity("valve").State.Value, registry.GetEntity("valve").State.Position));
        Assert.Equal("on", registry.GetEntity("fw").State.Value);

        await devices.PublishAsync("dev/hum", """{"state":"ON","humidity":55}""");
        await devices.PublishAsync("dev/boiler/mode", "eco");
        await devices.PublishAsync("dev/siren", """{"state":"ON","tone":"ping"}""");
        await devices.PublishAsync("dev/robot", """{"state":"docked","battery_level":100}""");
        await devices.PublishAsync("dev/text", "Hello");
        await registry.WhenIdleAsync(budget.Token);

        Assert.Equal((true, 55d), (registry.GetEntity("hum").State.IsOn, registry.GetEntity("hum").State.TargetHumidity));
        Assert.Equal("eco", registry.GetEntity("boiler").State.Value);
        Assert.Equal((true, "ping"), (registry.GetEntity("siren").State.IsOn, registry.GetEntity("siren").State.Tone));
        Assert.Equal(("docked", 100), (registry.GetEntity("robot").State.Value, registry.GetEntity("robot").State.BatteryLevel));
        Assert.Equal("Hello", registry.GetEntity("text").State.Value);

        async Task Expect(Func<Task> action, params (string Topic, string Payload)[] expected)
        {
            devices.Clear();
            await action();
            await Eventually.WaitAsync(() => devices.Received.Count >= expected.Length, $"{expected.Length} message(s) on {expected[0].Topic}");
            Assert.Equal(expected, devices.Received.Select(m => (m.Topic, m.Payload)));
        }

        var ct = budget.Token;
        await Expect(() => registry.Control("alarm").AsAlarmControlPanel().DisarmAsync("1234", ct), ("cmd/alarm", "DISARM"));
        await Expect(() => registry.Control("valve").AsValve().SetPositionAsync(75, ct), ("cmd/valve", "75"));
        await Expect(() => registry.Control("hum").AsHumidifier().SetHumidityAsync(60, ct), ("cmd/hum/target", "60"));
        await Expect(() => registry.Control("boiler").AsWaterHeater().SetTemperatureAsync(55, ct), ("cmd/boiler/temp", "55.0"));
        await Expect(() => registry.Control("siren").AsSiren().TurnOnAsync("ping", cancellationToken: ct), ("cmd/siren", """{"state":"ON","tone":"ping"}"""));
        await Expect(() => registry.Control("fw").AsUpdate().InstallAsync(ct), ("cmd/fw", "install"));
        await Expect(() => registry.Control("movie").AsScene().ActivateAsync(ct), ("cmd/scene", "ON"));
        await Expect(() => registry.Control("robot").AsVacuum().ReturnToBaseAsync(ct), ("cmd/robot", "return_to_base"));
        await Expect(() => registry.Control("text").AsText().SetValueAsync("Bye", ct), ("cmd/text", "Bye"));
        Assert.Equal("DISARM", registry.GetEntity("alarm").GetDebugInfo().Published.Single().Messages.Single().Payload);
    }
}
