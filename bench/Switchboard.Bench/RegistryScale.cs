using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switchboard.HomeAssistant;

namespace Switchboard.Bench;

/// <summary>
/// The <c>--registry-scale</c> mode: a Home Assistant registry ingesting a large Zigbee2MQTT install. Every device has
/// four entities of mixed platforms (a light, a plug, a climate sensor, a motion sensor or a blind, each with its
/// diagnostic sensors), announced as Zigbee2MQTT announces them: retained discovery configs with <c>value_template</c>s
/// reading one JSON state per device, availability from the bridge. Measured: the time from <c>StartAsync</c> until
/// <c>WaitUntilReadyAsync</c> (every config applied, every state topic subscribed, the retained states in), the memory
/// it then holds, and how many state messages per second it applies (each one renders the templates of the device's
/// four entities) while a publisher offers a steady rate.
/// </summary>
public static class RegistryScale
{
    private const int EntitiesPerDevice = 4;
    private static readonly string[] Kinds = ["light", "plug", "climate", "motion", "blind"];

    public static async Task<int> RunAsync(string? url, int devices, int rate, int seconds)
    {
        await using var broker = await PrivateBroker.StartUnlessAsync(url);
        url ??= broker!.Url;
        Console.WriteLine($"registry scale: {devices:N0} devices, {devices * EntitiesPerDevice:N0} entities (Zigbee2MQTT-shaped), then {rate:N0} state msg/s for {seconds} s; broker {url}");

        // The install, announced by a client that is gone before the registry starts (it is not what is measured).
        await using (var announcer = new SwitchboardClient(new SwitchboardOptions { Url = url, ClientId = "scale-announcer", QueueCapacity = devices * (EntitiesPerDevice + 1) + 10, MaxInflight = 1000 }))
        {
            await announcer.ConnectAsync();
            Announce(announcer, devices);
            await announcer.FlushAsync().WaitAsync(TimeSpan.FromMinutes(5));
        }

        Console.WriteLine($"announced: {devices * (EntitiesPerDevice + 1):N0} retained messages on the broker");

        var baseline = Memory();
        await using var client = new SwitchboardClient(new SwitchboardOptions { Url = url, ClientId = "scale-registry", IncomingQueueCapacity = 10_000 });
        await client.ConnectAsync();
        var started = Stopwatch.GetTimestamp();
        await using var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync();
        await registry.WaitUntilReadyAsync().WaitAsync(TimeSpan.FromMinutes(5));
        var ready = Stopwatch.GetElapsedTime(started);
        var entities = registry.Entities.Count;
        var withState = registry.Entities.Count(e => e.State.Value is not null);
        var available = registry.Entities.Count(e => e.IsAvailable);
        var held = Memory();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"discovery: {entities:N0} entities ready in {ready.TotalSeconds:0.00} s ({withState:N0} with their retained state, {available:N0} available); " +
            $"RSS {held.Rss / 1048576.0:0} MiB (+{(held.Rss - baseline.Rss) / 1048576.0:0} MiB), GC heap {held.Heap / 1048576.0:0} MiB (+{(held.Heap - baseline.Heap) / 1048576.0:0} MiB)"));

        // A steady offered rate, paced in 10 ms slices; the registry's counter says what it applied.
        await using var publisher = new SwitchboardClient(new SwitchboardOptions { Url = url, ClientId = "scale-publisher", QueueCapacity = 100_000 });
        await publisher.ConnectAsync();
        var before = registry.GetStats().StateMessages;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var offered = 0L;
        var clock = Stopwatch.StartNew();
        var perSlice = Math.Max(1, rate / 100);
        var round = 1;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (var k = 0; k < perSlice; k++)
            {
                var device = (int)(offered % devices);
                if (device == 0 && offered > 0)
                {
                    round++;
                }

                publisher.Post(StateTopic(device), State(device, round), Qos.AtMostOnce);
                offered++;
            }

            var due = TimeSpan.FromMilliseconds(offered * 1000.0 / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }

        await publisher.FlushAsync();
        await registry.WhenIdleAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var elapsed = clock.Elapsed.TotalSeconds;
        var applied = registry.GetStats().StateMessages - before;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds * 1000.0;
        var last = registry.GetEntity(Id((int)((offered - 1) % devices), 1));
        var stats = registry.GetStats();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"state: offered {offered:N0} in {elapsed:0.0} s ({offered / elapsed:N0}/s), registry applied {applied:N0} ({applied / elapsed:N0}/s, " +
            $"{applied * EntitiesPerDevice / elapsed:N0} entity updates/s), process CPU {cpu / Math.Max(1, applied):0.0} µs per state message (publisher included); " +
            $"template errors {stats.TemplateErrors}, invalid payloads {stats.InvalidStatePayloads}; last device's sensor = {last.State.Value}"));
        var final = Memory();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory after the state run: RSS {final.Rss / 1048576.0:0} MiB, GC heap {final.Heap / 1048576.0:0} MiB"));
        return applied >= offered * 0.99 ? 0 : 1;
    }

    private static void Announce(SwitchboardClient announcer, int devices)
    {
        announcer.Post("zigbee2mqtt/bridge/state", """{"state":"online"}""", Qos.AtLeastOnce, retain: true);
        for (var i = 0; i < devices; i++)
        {
            foreach (var (topic, config) in Discovery(i))
            {
                announcer.Post(topic, config, Qos.AtLeastOnce, retain: true);
            }

            announcer.Post(StateTopic(i), State(i, 0), Qos.AtLeastOnce, retain: true);
        }
    }

    private static (long Rss, long Heap) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }

    private static string Name(int device) => string.Create(CultureInfo.InvariantCulture, $"dev_{device:00000}");

    private static string Ieee(int device) => string.Create(CultureInfo.InvariantCulture, $"0x{0x00158d0000000000L + device:x16}");

    private static string StateTopic(int device) => $"zigbee2mqtt/{Name(device)}";

    /// <summary>The unique id of a device's entity <paramref name="index"/> (0–3), as the discovery config gives it.</summary>
    private static string Id(int device, int index) => $"{Ieee(device)}_{Entities(device)[index].Object}_zigbee2mqtt";

    private static (string Component, string Object, string Extra)[] Entities(int device) => Kinds[device % Kinds.Length] switch
    {
        "light" =>
        [
            ("light", "light", """ "schema":"json","command_topic":"~/set","brightness":true,"brightness_scale":254,"supported_color_modes":["color_temp"],"max_mireds":454,"min_mireds":250 """),
            ("sensor", "linkquality", """ "value_template":"{{ value_json.linkquality }}","unit_of_measurement":"lqi","state_class":"measurement","entity_category":"diagnostic" """),
            ("select", "power_on_behavior", """ "command_topic":"~/set/power_on_behavior","options":["off","on","toggle","previous"],"value_template":"{{ value_json.power_on_behavior }}","entity_category":"config" """),
            ("number", "color_temp_startup", """ "command_topic":"~/set/color_temp_startup","min":250,"max":454,"value_template":"{{ value_json.color_temp_startup }}","entity_category":"config" """),
        ],
        "plug" =>
        [
            ("switch", "switch", """ "command_topic":"~/set","payload_on":"ON","payload_off":"OFF","value_template":"{{ value_json.state }}" """),
            ("sensor", "power", """ "value_template":"{{ value_json.power }}","unit_of_measurement":"W","device_class":"power","state_class":"measurement" """),
            ("sensor", "energy", """ "value_template":"{{ value_json.energy }}","unit_of_measurement":"kWh","device_class":"energy","state_class":"total_increasing" """),
            ("sensor", "linkquality", """ "value_template":"{{ value_json.linkquality }}","unit_of_measurement":"lqi","state_class":"measurement","entity_category":"diagnostic" """),
        ],
        "climate" =>
        [
            ("sensor", "temperature", """ "value_template":"{{ value_json.temperature }}","unit_of_measurement":"°C","device_class":"temperature","state_class":"measurement" """),
            ("sensor", "humidity", """ "value_template":"{{ value_json.humidity }}","unit_of_measurement":"%","device_class":"humidity","state_class":"measurement" """),
            ("sensor", "battery", """ "value_template":"{{ value_json.battery }}","unit_of_measurement":"%","device_class":"battery","state_class":"measurement","entity_category":"diagnostic" """),
            ("sensor", "linkquality", """ "value_template":"{{ value_json.linkquality }}","unit_of_measurement":"lqi","state_class":"measurement","entity_category":"diagnostic" """),
        ],
        "motion" =>
        [
            ("binary_sensor", "occupancy", """ "payload_on":true,"payload_off":false,"value_template":"{{ value_json.occupancy }}","device_class":"occupancy" """),
            ("sensor", "illuminance", """ "value_template":"{{ value_json.illuminance }}","unit_of_measurement":"lx","device_class":"illuminance","state_class":"measurement" """),
            ("sensor", "battery", """ "value_template":"{{ value_json.battery }}","unit_of_measurement":"%","device_class":"battery","state_class":"measurement","entity_category":"diagnostic" """),
            ("sensor", "linkquality", """ "value_template":"{{ value_json.linkquality }}","unit_of_measurement":"lqi","state_class":"measurement","entity_category":"diagnostic" """),
        ],
        _ =>
        [
            ("cover", "cover", """ "command_topic":"~/set","position_template":"{{ value_json.position }}","set_position_template":"{ \"position\": {{ position }} }","set_position_topic":"~/set","value_template":"{{ value_json.state }}","state_open":"OPEN","state_closed":"CLOSE" """),
            ("sensor", "battery", """ "value_template":"{{ value_json.battery }}","unit_of_measurement":"%","device_class":"battery","state_class":"measurement","entity_category":"diagnostic" """),
            ("sensor", "linkquality", """ "value_template":"{{ value_json.linkquality }}","unit_of_measurement":"lqi","state_class":"measurement","entity_category":"diagnostic" """),
            ("select", "motor_speed", """ "command_topic":"~/set/motor_speed","options":["low","medium","high"],"value_template":"{{ value_json.motor_speed }}","entity_category":"config" """),
        ],
    };

    private static IEnumerable<(string Topic, string Config)> Discovery(int device)
    {
        var name = Name(device);
        var ieee = Ieee(device);
        foreach (var (component, obj, extra) in Entities(device))
        {
            var config = new StringBuilder(640)
                .Append('{')
                .Append(CultureInfo.InvariantCulture, $"\"~\":\"zigbee2mqtt/{name}\",\"state_topic\":\"~\",\"json_attributes_topic\":\"~\",")
                .Append(CultureInfo.InvariantCulture, $"\"unique_id\":\"{ieee}_{obj}_zigbee2mqtt\",\"object_id\":\"{name}_{obj}\",\"name\":{(obj is "light" or "switch" or "cover" ? "null" : $"\"{obj}\"")},")
                .Append("\"availability\":[{\"topic\":\"zigbee2mqtt/bridge/state\",\"value_template\":\"{{ value_json.state }}\"}],")
                .Append(CultureInfo.InvariantCulture, $"\"device\":{{\"identifiers\":[\"zigbee2mqtt_{ieee}\"],\"name\":\"{name}\",\"manufacturer\":\"Bench\",\"model\":\"{Kinds[device % Kinds.Length]}\",\"via_device\":\"zigbee2mqtt_bridge_0x00124b0000000000\",\"suggested_area\":\"Area {device / 25}\"}},")
                .Append("\"origin\":{\"name\":\"Zigbee2MQTT\",\"sw\":\"2.1.0\",\"url\":\"https://www.zigbee2mqtt.io\"},")
                .Append(extra.Trim())
                .Append('}');
            yield return ($"homeassistant/{component}/{ieee}/{obj}/config", config.ToString());
        }
    }

    private static string State(int device, int round)
    {
        var v = (device + round) % 100;
        return Kinds[device % Kinds.Length] switch
        {
            "light" => string.Create(CultureInfo.InvariantCulture, $$"""{"state":"{{(v % 2 == 0 ? "ON" : "OFF")}}","brightness":{{(v * 2) + 1}},"color_temp":{{250 + v}},"color_mode":"color_temp","linkquality":{{v + 50}},"power_on_behavior":"on","color_temp_startup":{{300 + v}}}"""),
            "plug" => string.Create(CultureInfo.InvariantCulture, $$"""{"state":"{{(v % 2 == 0 ? "ON" : "OFF")}}","power":{{v * 3.5:0.0}},"energy":{{(device * 0.1) + (round * 0.01):0.00}},"voltage":230,"current":0.1,"linkquality":{{v + 50}}}"""),
            "climate" => string.Create(CultureInfo.InvariantCulture, $$"""{"temperature":{{18 + (v / 10.0):0.0}},"humidity":{{40 + (v / 5.0):0.0}},"pressure":1013,"battery":{{100 - (v / 10)}},"voltage":3000,"linkquality":{{v + 50}}}"""),
            "motion" => string.Create(CultureInfo.InvariantCulture, $$"""{"occupancy":{{(v % 2 == 0 ? "true" : "false")}},"illuminance":{{v * 10}},"battery":{{100 - (v / 10)}},"linkquality":{{v + 50}}}"""),
            _ => string.Create(CultureInfo.InvariantCulture, $$"""{"state":"{{(v % 2 == 0 ? "OPEN" : "CLOSE")}}","position":{{v}},"battery":{{100 - (v / 10)}},"linkquality":{{v + 50}},"motor_speed":"medium"}"""),
        };
    }
}
