using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.HomeAssistant.Discovery;

/// <summary>What a topic under the Tasmota discovery prefix is.</summary>
internal enum TasmotaTopicKind
{
    /// <summary><c>&lt;prefix&gt;/&lt;MAC&gt;/config</c>: the device.</summary>
    Config,

    /// <summary><c>&lt;prefix&gt;/&lt;MAC&gt;/sensors</c>: the device's sensors (<c>sn</c>).</summary>
    Sensors,
}

/// <summary>One entity a Tasmota device announces, expressed as the Home Assistant MQTT config that describes it.</summary>
/// <param name="Component">The Home Assistant platform: switch, light, binary_sensor or sensor.</param>
/// <param name="ObjectId">The entity's id within the device (<c>relay_0</c>, <c>light_0</c>, <c>sensor_ENERGY_Power</c> …).</param>
/// <param name="Config">The equivalent Home Assistant discovery config (expanded keys).</param>
/// <param name="ExtraStateTopics">Further topics read like <c>state_topic</c> (Tasmota reports the same state on several).</param>
/// <param name="FromSensors">True when the entity comes from the <c>sensors</c> message.</param>
internal sealed record TasmotaEntitySpec(string Component, string ObjectId, JsonObject Config, IReadOnlyList<string> ExtraStateTopics, bool FromSensors);

/// <summary>
/// Tasmota's own discovery (<c>tasmota/discovery/&lt;MAC&gt;/config</c> and <c>…/sensors</c>, read by Home Assistant's
/// Tasmota integration through the <c>hatasmota</c> library), turned into Home Assistant MQTT configs so the registry's
/// state reducers and controls serve Tasmota entities unchanged. The facts (which keys are required, which relay
/// becomes a switch or a light, topic construction, payload keys, command names, units) follow <c>hatasmota</c>.
/// </summary>
internal static class TasmotaDiscovery
{
    // rl values
    private const int RelayRelay = 1;
    private const int RelayLight = 2;

    // lt_st / light types (hatasmota maps them one to one)
    private const int LightNone = 0;
    private const int LightDimmer = 1;
    private const int LightColdWarm = 2;
    private const int LightRgb = 3;
    private const int LightRgbw = 4;
    private const int LightRgbcw = 5;

    private static readonly string[] Effects = ["Solid", "Wake up", "Cycle up", "Cycle down", "Random"];

    /// <summary>Keys hatasmota's discovery schema requires, with the JSON kind each must have.</summary>
    private static readonly (string Key, JsonValueKind Kind)[] RequiredKeys =
    [
        ("btn", JsonValueKind.Array), ("dn", JsonValueKind.String), ("fn", JsonValueKind.Array), ("ft", JsonValueKind.String),
        ("hn", JsonValueKind.String), ("ip", JsonValueKind.String), ("lt_st", JsonValueKind.Number), ("lk", JsonValueKind.Number),
        ("mac", JsonValueKind.String), ("md", JsonValueKind.String), ("ofln", JsonValueKind.String), ("onln", JsonValueKind.String),
        ("so", JsonValueKind.Object), ("tp", JsonValueKind.Array), ("rl", JsonValueKind.Array), ("state", JsonValueKind.Array),
        ("sw", JsonValueKind.String), ("swc", JsonValueKind.Array), ("t", JsonValueKind.String), ("ty", JsonValueKind.Number),
        ("ver", JsonValueKind.Number),
    ];

    /// <summary>SetOptions the schema requires in <c>so</c>.</summary>
    private static readonly string[] RequiredOptions = ["11", "13", "17", "20", "30", "68", "73", "82"];

    /// <summary>Switch modes (<c>swc</c>) that make a binary sensor, with its off delay (hatasmota's SWITCHMODE_MAP).</summary>
    private static readonly Dictionary<int, int?> BinarySwitchModes = new()
    {
        [1] = null,
        [2] = null,
        [3] = null,
        [4] = null,
        [5] = null,
        [6] = null,
        [9] = null,
        [10] = null,
        [13] = 1,
        [14] = 1,
        [15] = null,
        [16] = null,
    };

    /// <summary>Sensor entries that are not sensors (hatasmota's IGNORED_SENSORS).</summary>
    private static readonly HashSet<string> IgnoredSensors = new(StringComparer.Ordinal) { "Time", "PN532", "RDM6300" };

    /// <summary>Units of hatasmota's SENSOR_UNIT_MAP for the quantities whose unit does not depend on the device.</summary>
    private static readonly Dictionary<string, string?> Units = new(StringComparer.Ordinal)
    {
        ["Ambient"] = "lx",
        ["Battery"] = "%",
        ["CCT"] = "K",
        ["CF1"] = "µg/m³",
        ["CF10"] = "µg/m³",
        ["CF2.5"] = "µg/m³",
        ["CarbonDioxide"] = "ppm",
        ["Blue"] = "B",
        ["Green"] = "G",
        ["Red"] = "R",
        ["CurrentNeutral"] = "A",
        ["Current"] = "A",
        ["Distance"] = "cm",
        ["eCO2"] = "ppm",
        ["Energy"] = "kWh",
        ["ExportActive"] = "kWh",
        ["ExportReactive"] = "kVArh",
        ["ExportTariff"] = "kWh",
        ["ImportActive"] = "kWh",
        ["ImportReactive"] = "kVArh",
        ["Today"] = "kWh",
        ["TotalTariff"] = "kWh",
        ["Total"] = "kWh",
        ["Yesterday"] = "kWh",
        ["TotalStartTime"] = null,
        ["Frequency"] = "Hz",
        ["Humidity"] = "%",
        ["Illuminance"] = "lx",
        ["Moisture"] = "%",
        ["PB0.3"] = "ppd",
        ["PB0.5"] = "ppd",
        ["PB1"] = "ppd",
        ["PB10"] = "ppd",
        ["PB2.5"] = "ppd",
        ["PB5"] = "ppd",
        ["PhaseAngle"] = "°",
        ["PM1"] = "µg/m³",
        ["PM10"] = "µg/m³",
        ["PM2.5"] = "µg/m³",
        ["Power"] = "W",
        ["ActivePower"] = "W",
        ["ApparentPower"] = "VA",
        ["Factor"] = null,
        ["ReactivePower"] = "VAr",
        ["TVOC"] = "ppb",
        ["Voltage"] = "V",
        ["Weight"] = "kg",
    };

    /// <summary>Quantities whose unit the device reports in the sensors message (key, and Home Assistant's spelling).</summary>
    private static readonly Dictionary<string, (string Key, Dictionary<string, string> Supported)> DynamicUnits = new(StringComparer.Ordinal)
    {
        ["Temperature"] = ("TempUnit", new() { ["C"] = "°C", ["F"] = "°F" }),
        ["DewPoint"] = ("TempUnit", new() { ["C"] = "°C", ["F"] = "°F" }),
        ["Pressure"] = ("PressureUnit", new() { ["hPa"] = "hPa", ["mmHg"] = "mmHg" }),
        ["SeaPressure"] = ("PressureUnit", new() { ["hPa"] = "hPa", ["mmHg"] = "mmHg" }),
        ["Speed"] = ("SpeedUnit", new() { ["m/s"] = "m/s", ["km/h"] = "km/h", ["kn"] = "kn", ["mph"] = "mph", ["ft/s"] = "ft/s", ["yd/s"] = "yd/s" }),
    };

    /// <summary>Device and state classes Home Assistant's Tasmota integration gives the common quantities.</summary>
    private static readonly Dictionary<string, (string? DeviceClass, string? StateClass)> Classes = new(StringComparer.Ordinal)
    {
        ["Temperature"] = ("temperature", "measurement"),
        ["DewPoint"] = ("temperature", "measurement"),
        ["Humidity"] = ("humidity", "measurement"),
        ["Pressure"] = ("pressure", "measurement"),
        ["SeaPressure"] = ("pressure", "measurement"),
        ["Illuminance"] = ("illuminance", "measurement"),
        ["Ambient"] = ("illuminance", "measurement"),
        ["Power"] = ("power", "measurement"),
        ["ActivePower"] = ("power", "measurement"),
        ["ApparentPower"] = ("apparent_power", "measurement"),
        ["ReactivePower"] = ("reactive_power", "measurement"),
        ["Factor"] = ("power_factor", "measurement"),
        ["Voltage"] = ("voltage", "measurement"),
        ["Current"] = ("current", "measurement"),
        ["Frequency"] = ("frequency", "measurement"),
        ["Battery"] = ("battery", "measurement"),
        ["Total"] = ("energy", "total"),
        ["Today"] = ("energy", "total_increasing"),
        ["Yesterday"] = ("energy", null),
        ["CarbonDioxide"] = ("carbon_dioxide", "measurement"),
        ["PM1"] = ("pm1", "measurement"),
        ["PM2.5"] = ("pm25", "measurement"),
        ["PM10"] = ("pm10", "measurement"),
    };

    /// <summary>Classifies a topic under <paramref name="prefix"/>: <c>&lt;MAC&gt;/config</c> or <c>&lt;MAC&gt;/sensors</c>
    /// with a MAC of <c>[A-Z0-9_-]</c> (hatasmota's matcher); anything else is refused with the reason.</summary>
    public static bool TryParseTopic(string topic, string prefix, out string mac, out TasmotaTopicKind kind, out string? error)
    {
        mac = string.Empty;
        kind = default;
        error = null;
        var levels = topic.Length > prefix.Length + 1 ? topic[(prefix.Length + 1)..].Split('/') : [];
        if (levels.Length != 2 || levels[1] is not ("config" or "sensors"))
        {
            error = "expected <prefix>/<MAC>/config or <prefix>/<MAC>/sensors";
            return false;
        }

        if (levels[0].Length == 0 || !levels[0].All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is '_' or '-'))
        {
            error = $"the MAC '{levels[0]}' has characters outside [A-Z0-9_-]";
            return false;
        }

        mac = levels[0];
        kind = levels[1] == "config" ? TasmotaTopicKind.Config : TasmotaTopicKind.Sensors;
        return true;
    }

    /// <summary>Parses a non-empty payload as a JSON object, or says why it is refused.</summary>
    public static JsonObject? ParseObject(ReadOnlyMemory<byte> payload, out RejectionReason reason, out string? error)
    {
        reason = RejectionReason.InvalidJson;
        error = null;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(payload.Span);
            // Read every string once: invalid UTF-8 inside a string only throws when it is read.
            _ = node?.ToJsonString();
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            error = $"the payload is not UTF-8 JSON: {ex.Message}";
            return null;
        }

        if (node is not JsonObject obj)
        {
            reason = RejectionReason.NotAnObject;
            error = "the payload must be a JSON object";
            return null;
        }

        return obj;
    }

    /// <summary>Validates a device config the way hatasmota's <c>TASMOTA_DISCOVERY_SCHEMA</c> does (plus what the
    /// mapping relies on: three prefixes, two power states, topics without wildcards); null when valid.</summary>
    public static (RejectionReason Reason, string Detail)? ValidateConfig(JsonObject config, string topicMac)
    {
        foreach (var (key, kind) in RequiredKeys)
        {
            if (!config.TryGetPropertyValue(key, out var node) || node is null)
            {
                return (RejectionReason.MissingRequiredKey, $"a Tasmota discovery config requires '{key}'");
            }

            if (node.GetValueKind() != kind)
            {
                return (RejectionReason.InvalidValue, $"'{key}' must be {Describe(kind)}");
            }
        }

        if (Int(config, "ver") != 1)
        {
            return (RejectionReason.InvalidValue, "'ver' must be 1");
        }

        if (Int(config, "lt_st") is not (>= 0 and <= LightRgbcw))
        {
            return (RejectionReason.InvalidValue, "'lt_st' must be a light subtype 0–5");
        }

        var so = (JsonObject)config["so"]!;
        foreach (var option in RequiredOptions)
        {
            if (!so.ContainsKey(option))
            {
                return (RejectionReason.MissingRequiredKey, $"a Tasmota discovery config requires 'so' option '{option}'");
            }
        }

        if (Strings(config, "tp") is not { Count: >= 3 })
        {
            return (RejectionReason.InvalidValue, "'tp' must list the cmnd, stat and tele prefixes");
        }

        if (Strings(config, "state") is not { Count: >= 2 })
        {
            return (RejectionReason.InvalidValue, "'state' must list at least the OFF and ON payloads");
        }

        if (Ints(config, "rl") is null || Ints(config, "swc") is null || Ints(config, "btn") is null)
        {
            return (RejectionReason.InvalidValue, "'rl', 'swc' and 'btn' must be lists of integers");
        }

        if (Str(config, "mac") != topicMac)
        {
            return (RejectionReason.InvalidValue, $"the MAC '{Str(config, "mac")}' of the payload is not the topic's '{topicMac}'");
        }

        for (var i = 0; i < 3; i++)
        {
            var topic = FullTopic(config, i);
            if (topic.IndexOfAny(['+', '#']) >= 0 || topic.Contains('\0', StringComparison.Ordinal))
            {
                return (RejectionReason.InvalidValue, $"the full topic '{topic}' built from 'ft', 't' and 'tp' has wildcards");
            }
        }

        return null;
    }

    /// <summary>Validates a sensors message (hatasmota's <c>TASMOTA_SENSOR_DISCOVERY_SCHEMA</c>); null when valid.</summary>
    public static (RejectionReason Reason, string Detail)? ValidateSensors(JsonObject sensors)
    {
        if (!sensors.TryGetPropertyValue("sn", out var sn) || sn is null)
        {
            return (RejectionReason.MissingRequiredKey, "a Tasmota sensors message requires 'sn'");
        }

        if (sn is not JsonObject)
        {
            return (RejectionReason.InvalidValue, "'sn' must be an object");
        }

        return Int(sensors, "ver") == 1 ? null : (RejectionReason.InvalidValue, "'ver' must be 1");
    }

    /// <summary>The entities of a valid device config, and of its sensors message when there is one.</summary>
    public static List<TasmotaEntitySpec> Entities(JsonObject config, JsonObject? sensors)
    {
        var entities = new List<TasmotaEntitySpec>();
        var relays = Ints(config, "rl")!;
        var so = (JsonObject)config["so"]!;
        var forceLight = Option(so, "30");
        var ifan = Int(config, "if") == 1;

        for (var idx = 0; idx < relays.Count; idx++)
        {
            if (relays[idx] == RelayRelay && !forceLight)
            {
                entities.Add(Relay(config, idx, HomeAssistantComponents.Switch));
            }
        }

        var lights = relays.ToList();
        if (ifan && lights.Count > 0 && lights[0] == RelayLight)
        {
            lights[0] = RelayRelay; // the iFan's light: one light without dimming
        }

        for (var idx = 0; idx < lights.Count; idx++)
        {
            if (lights[idx] == RelayLight)
            {
                entities.Add(Light(config, relays, idx));
            }
        }

        for (var idx = 0; idx < lights.Count; idx++)
        {
            if (lights[idx] == RelayRelay && (forceLight || (ifan && idx == 0)))
            {
                entities.Add(Relay(config, idx, HomeAssistantComponents.Light));
            }
        }

        var switches = Ints(config, "swc")!;
        for (var idx = 0; idx < switches.Count; idx++)
        {
            if (switches[idx] != 0 && BinarySwitchModes.TryGetValue(switches[idx], out var offDelay))
            {
                entities.Add(BinarySensor(config, idx, switches[idx], offDelay));
            }
        }

        if (sensors?["sn"] is JsonObject sn)
        {
            AddSensors(config, sn, entities);
        }

        return entities;
    }

    /// <summary>hatasmota's full topic for prefix 0 (cmnd), 1 (stat) or 2 (tele), ending in '/'.</summary>
    public static string FullTopic(JsonObject config, int prefix)
    {
        var mac = Str(config, "mac");
        return Str(config, "ft")
            .Replace("%hostname%", Str(config, "hn"), StringComparison.Ordinal)
            .Replace("%id%", mac.Length > 6 ? mac[^6..] : mac, StringComparison.Ordinal)
            .Replace("%prefix%", Strings(config, "tp")![prefix], StringComparison.Ordinal)
            .Replace("%topic%", Str(config, "t"), StringComparison.Ordinal);
    }

    private static TasmotaEntitySpec Relay(JsonObject config, int idx, string platform)
    {
        var (off, on) = PowerStates(config);
        var entity = Base(config, platform, "relay", idx, FriendlyName(config, platform, idx));
        entity["command_topic"] = FullTopic(config, 0) + $"Power{idx + 1}";
        entity["payload_on"] = on;
        entity["payload_off"] = off;
        entity["state_topic"] = FullTopic(config, 1) + "RESULT";
        if (platform == HomeAssistantComponents.Light)
        {
            entity["state_value_template"] = "{{ " + PowerExpression(idx) + " }}";
            entity["supported_color_modes"] = new JsonArray("onoff");
        }
        else
        {
            entity["value_template"] = "{{ " + PowerExpression(idx) + " }}";
        }

        return new TasmotaEntitySpec(platform, $"relay_{idx}", entity, [FullTopic(config, 2) + "STATE"], FromSensors: false);
    }

    private static TasmotaEntitySpec Light(JsonObject config, List<int> relays, int idx)
    {
        var so = (JsonObject)config["so"]!;
        var subtype = Int(config, "lt_st") ?? 0;
        var lightType = subtype;
        var dimmerCommand = "Dimmer";
        var dimmerState = "Dimmer";
        var byChannel = false;
        if (Int(config, "ty") == 1)
        {
            dimmerCommand = "Dimmer3"; // a Tuya MCU dims with Dimmer3
        }

        if (Option(so, "68"))
        {
            // Multi-channel PWM: each channel is a dimmer of its own.
            dimmerState = $"Channel{idx + 1}";
            byChannel = true;
            lightType = LightDimmer;
        }
        else if (Int(config, "lk") == 0 && subtype >= LightRgbw)
        {
            // RGB and white not linked: the first light is the RGB part (Dimmer1), the second the white part (Dimmer2).
            var position = idx - relays.IndexOf(RelayLight);
            if (position is 0 or 1)
            {
                lightType = position == 0 ? LightRgb : subtype == LightRgbw ? LightDimmer : LightColdWarm;
                dimmerCommand = dimmerState = $"Dimmer{position + 1}";
            }
        }

        var reducedCt = Option(so, "82");
        var (off, on) = PowerStates(config);
        var power = $"Power{idx + 1}";
        var color = lightType is LightRgb or LightRgbw or LightRgbcw;
        var ct = lightType is LightColdWarm or LightRgbcw;
        var dims = lightType != LightNone;

        var entity = Base(config, HomeAssistantComponents.Light, "light", idx, FriendlyName(config, HomeAssistantComponents.Light, idx));
        entity["schema"] = "template";
        entity["command_topic"] = FullTopic(config, 0) + "Backlog";
        entity["state_topic"] = FullTopic(config, 1) + "RESULT";

        // Home Assistant's Tasmota light sends one Backlog of "NoDelay;<command> <argument>" pairs.
        var onTemplate = new StringBuilder("NoDelay;");
        if (dims)
        {
            onTemplate.Append("{% if brightness is defined %}").Append(byChannel ? $"Channel{idx + 1}" : dimmerCommand)
                .Append(" {{ [[(brightness / 255 * 100) | round(0) | int, 100] | min, 1] | max }}{% else %}")
                .Append(power).Append(' ').Append(on).Append("{% endif %}");
        }
        else
        {
            onTemplate.Append(power).Append(' ').Append(on);
        }

        if (color)
        {
            onTemplate.Append("{% if hue is defined %};NoDelay;HsbColor1 {{ hue | round(0) | int }};NoDelay;HsbColor2 {{ sat | round(0) | int }}{% endif %}");
        }

        if (ct)
        {
            onTemplate.Append("{% if color_temp is defined %};NoDelay;CT {{ color_temp }}{% endif %}");
        }

        if (color)
        {
            var schemes = string.Join(", ", Effects.Select((e, i) => $"{Literal(e)}: {i}"));
            onTemplate.Append("{% if effect is defined %};NoDelay;Scheme {{ {").Append(schemes).Append("}[effect] }}{% endif %}");
            entity["effect_list"] = new JsonArray([.. Effects.Select(e => (JsonNode)e)]);
        }

        if (dims && Option(so, "20"))
        {
            // SetOption20: Dimmer does not switch the light on, so the power follows.
            onTemplate.Append("{% if brightness is defined %};NoDelay;").Append(power).Append(' ').Append(on).Append("{% endif %}");
        }

        entity["command_on_template"] = onTemplate.ToString();
        entity["command_off_template"] = $"NoDelay;{power} {off}";
        entity["state_template"] = $"{{% set p = {PowerExpression(idx)} %}}{{% if p == {Literal(on)} %}}on{{% elif p == {Literal(off)} %}}off{{% endif %}}";
        if (dims)
        {
            entity["brightness_template"] = $"{{% if value_json[{Literal(dimmerState)}] is defined %}}{{{{ (value_json[{Literal(dimmerState)}] / 100 * 255) | round(0) | int }}}}{{% endif %}}";
        }

        if (ct)
        {
            entity["color_temp_template"] = "{{ value_json.CT }}";
            entity["min_mireds"] = reducedCt ? 200 : 153;
            entity["max_mireds"] = reducedCt ? 380 : 500;
        }

        if (color)
        {
            // Tasmota's Color is scaled by the dimmer; Home Assistant compensates. Hex ("FF8000…") or decimal ("255,128,0,…").
            string[] hex = ["0:2", "2:4", "4:6"];
            string[] names = ["red", "green", "blue"];
            for (var channel = 0; channel < 3; channel++)
            {
                entity[$"{names[channel]}_template"] =
                    "{% set c = value_json.Color | default('') | string %}"
                    + $"{{% set d = value_json[{Literal(dimmerState)}] | default(100) %}}"
                    + $"{{% set v = (c.split(',')[{channel}] | int) if ',' in c else (c[{hex[channel]}] | int(0, 16)) %}}"
                    + "{% if c %}{{ ([[(v * 100 / d) | round(0) | int, 255] | min, 0] | max) if d else 0 }}{% endif %}";
            }
        }

        return new TasmotaEntitySpec(HomeAssistantComponents.Light, $"light_{idx}", entity, [FullTopic(config, 2) + "STATE"], FromSensors: false);
    }

    private static TasmotaEntitySpec BinarySensor(JsonObject config, int idx, int mode, int? offDelay)
    {
        var (off, on) = PowerStates(config);
        var names = Config(config, "swn");
        var name = idx < names.Count && names[idx] is { } n ? n : $"binary_sensor {idx + 1}";
        var key = idx < names.Count && names[idx] is { } s ? s : $"Switch{idx + 1}";
        var entity = Base(config, HomeAssistantComponents.BinarySensor, "switch", idx, name);
        entity["state_topic"] = FullTopic(config, 1) + "RESULT";
        entity["payload_on"] = on;
        entity["payload_off"] = off;
        // stat/RESULT {"Switch1":{"Action":"ON"}}, tele/SENSOR {"Switch1":"ON"}, stat/STATUS10 {"StatusSNS":{"Switch1":"ON"}}
        entity["value_template"] =
            "{% set s = value_json.StatusSNS if value_json.StatusSNS is defined else value_json %}"
            + $"{{% set v = s[{Literal(key)}] %}}"
            + "{{ v.Action if v is mapping else v }}";
        if (offDelay is { } delay)
        {
            entity["off_delay"] = delay;
        }

        // A PIR-like switch (SwitchMode 13/14) only reports its presses, not its state.
        IReadOnlyList<string> more = mode is 13 or 14 ? [] : [FullTopic(config, 2) + "SENSOR", FullTopic(config, 1) + "STATUS10"];
        return new TasmotaEntitySpec(HomeAssistantComponents.BinarySensor, $"switch_{idx}", entity, more, FromSensors: false);
    }

    /// <summary>hatasmota's walk of <c>sn</c>: <c>{"AM2301":{"Temperature":…}}</c> (simple), <c>{"ENERGY":{"TotalTariff":[…]}}</c>
    /// (one sensor per element) and <c>{"TX23":{"Speed":{"Act":…}}}</c> (nested, one level).</summary>
    private static void AddSensors(JsonObject config, JsonObject sn, List<TasmotaEntitySpec> entities)
    {
        foreach (var (sensorKey, sensor) in sn)
        {
            if (IgnoredSensors.Contains(sensorKey) || sensor is not JsonObject subsensors)
            {
                continue;
            }

            foreach (var (subKey, sub) in subsensors)
            {
                switch (sub)
                {
                    case JsonObject nested:
                        foreach (var (leafKey, value) in nested)
                        {
                            entities.Add(Sensor(config, sn, [sensorKey, subKey, leafKey], Quantity(sensorKey, subKey, leafKey), value));
                        }

                        break;
                    case JsonArray array:
                        for (var i = 0; i < array.Count; i++)
                        {
                            entities.Add(Sensor(config, sn, [sensorKey, subKey, i], Quantity(sensorKey, subKey, null), array[i]));
                        }

                        break;
                    default:
                        entities.Add(Sensor(config, sn, [sensorKey, subKey], Quantity(sensorKey, subKey, null), sub));
                        break;
                }
            }
        }
    }

    private static string Quantity(string sensorKey, string subKey, string? leafKey)
    {
        if (sensorKey is "AS3935" or "LD2410" && subKey == "Energy")
        {
            return "Energy_other"; // not kWh
        }

        if (leafKey is not null && Units.ContainsKey(leafKey))
        {
            return leafKey;
        }

        return sensorKey == "ANALOG" && subKey.Length > 0 && char.IsAsciiDigit(subKey[^1]) ? subKey[..^1] : subKey;
    }

    private static TasmotaEntitySpec Sensor(JsonObject config, JsonObject sn, object[] path, string quantity, JsonNode? discovered)
    {
        var pathId = string.Join("_", path.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)));
        var name = string.Join(" ", path.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)));
        var entity = Base(config, HomeAssistantComponents.Sensor, "sensor", pathId, name);
        entity["state_topic"] = FullTopic(config, 2) + "SENSOR";
        var access = string.Concat(path.Select(p => p is int i ? $"[{i}]" : $"[{Literal((string)p)}]"));
        // tele/SENSOR carries the values at the root, a polled stat/STATUS10 under StatusSNS.
        entity["value_template"] = "{% set s = value_json.StatusSNS if value_json.StatusSNS is defined else value_json %}{{ s" + access + " }}";
        string? unit = Units.GetValueOrDefault(quantity);
        if (DynamicUnits.TryGetValue(quantity, out var dynamic))
        {
            var reported = sn[dynamic.Key] is JsonValue v && v.TryGetValue<string>(out var u) ? u : null;
            unit = reported is not null && dynamic.Supported.TryGetValue(reported, out var known) ? known : reported;
        }

        if (unit is not null)
        {
            entity["unit_of_measurement"] = unit;
        }

        var numeric = discovered is JsonValue value && value.GetValueKind() == JsonValueKind.Number;
        if (Classes.TryGetValue(quantity, out var classes))
        {
            if (classes.DeviceClass is not null)
            {
                entity["device_class"] = classes.DeviceClass;
            }

            if (classes.StateClass is not null && numeric)
            {
                entity["state_class"] = classes.StateClass;
            }
        }

        return new TasmotaEntitySpec(HomeAssistantComponents.Sensor, $"sensor_{pathId}", entity, [FullTopic(config, 1) + "STATUS10"], FromSensors: true);
    }

    /// <summary>What every entity shares: unique id as hatasmota builds it, name, device, availability (LWT).</summary>
    private static JsonObject Base(JsonObject config, string platform, string endpoint, object idx, string? name)
    {
        var mac = Str(config, "mac");
        var entity = new JsonObject
        {
            ["unique_id"] = $"{mac}_{platform}_{endpoint}_{Convert.ToString(idx, CultureInfo.InvariantCulture)}",
            ["name"] = name,
            ["device"] = new JsonObject
            {
                ["identifiers"] = new JsonArray(mac),
                ["connections"] = new JsonArray(new JsonArray("mac", mac)),
                ["name"] = Str(config, "dn"),
                ["manufacturer"] = "Tasmota",
                ["model"] = Str(config, "md"),
                ["sw_version"] = Str(config, "sw"),
                ["configuration_url"] = $"http://{Str(config, "ip")}/",
            },
        };

        if ((Int(config, "dslp") ?? 0) == 0)
        {
            // A device in deep sleep is offline most of the time: hatasmota does not follow its LWT.
            entity["availability_topic"] = FullTopic(config, 2) + "LWT";
            entity["payload_available"] = Str(config, "onln");
            entity["payload_not_available"] = Str(config, "ofln");
        }

        return entity;
    }

    /// <summary>hatasmota's friendly name: <c>fn[idx]</c>, else "&lt;platform&gt; &lt;n&gt;"; null (the device's name) for
    /// the first entity when it is named like the device.</summary>
    private static string? FriendlyName(JsonObject config, string platform, int idx)
    {
        var names = Config(config, "fn");
        if (idx >= names.Count || names[idx] is null)
        {
            return $"{platform} {idx + 1}";
        }

        return idx == 0 && names[idx] == Str(config, "dn") ? null : names[idx];
    }

    /// <summary>The power key of relay <paramref name="idx"/>: <c>POWER</c> or <c>POWER1</c> for the first (a single relay
    /// reports <c>POWER</c>), <c>POWER&lt;n&gt;</c> for the others.</summary>
    private static string PowerExpression(int idx) =>
        idx == 0 ? "value_json.POWER if value_json.POWER is defined else value_json.POWER1" : $"value_json.POWER{idx + 1}";

    private static (string Off, string On) PowerStates(JsonObject config)
    {
        var states = Strings(config, "state")!;
        return (states[0], states[1]);
    }

    private static string Literal(string text) =>
        "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static bool Option(JsonObject so, string option) => so[option] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.GetValue<double>() == 1;

    private static string Str(JsonObject config, string key) => config[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;

    private static int? Int(JsonObject config, string key) =>
        config[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.GetValue<double>() is var d && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue ? (int)d : null;

    private static List<string>? Strings(JsonObject config, string key)
    {
        if (config[key] is not JsonArray array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in array)
        {
            if (item is not JsonValue v || !v.TryGetValue<string>(out var s))
            {
                return null;
            }

            list.Add(s);
        }

        return list;
    }

    /// <summary>A list of optional strings (<c>fn</c>, <c>swn</c>); missing or malformed reads as empty.</summary>
    private static List<string?> Config(JsonObject config, string key) =>
        config[key] is JsonArray array ? [.. array.Select(i => i is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)] : [];

    private static List<int>? Ints(JsonObject config, string key)
    {
        if (config[key] is not JsonArray array)
        {
            return null;
        }

        var list = new List<int>();
        foreach (var item in array)
        {
            if (item is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || v.GetValue<double>() is var d && (d != Math.Floor(d) || Math.Abs(d) > 1000))
            {
                return null;
            }

            list.Add((int)v.GetValue<double>());
        }

        return list;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.Number => "a number",
        _ => "a string",
    };
}
