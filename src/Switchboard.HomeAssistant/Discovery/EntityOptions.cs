using System.Text.Json;

namespace Switchboard.HomeAssistant;

/// <summary>
/// The options of an entity's config that the registry understands, typed, with Home Assistant's defaults where the
/// component has one (a number's <c>min</c> is 1 when the config has none) and null where it has none or the option
/// does not apply to the component. A snapshot of one config: <see cref="HomeAssistantEntity.Options"/> returns a new one
/// after a rediscovery. Values are read leniently, as Home Assistant's config validation converts them (<c>"7"</c> is 7).
/// Anything not here is in <see cref="HomeAssistantEntity.Config"/>.
/// </summary>
public sealed class EntityOptions
{
    private static readonly string[] DefaultHvacModes = ["auto", "off", "cool", "heat", "dry", "fan_only"];
    private static readonly string[] DefaultFanModes = ["auto", "low", "medium", "high"];
    private static readonly string[] DefaultSwingModes = ["on", "off"];
    private readonly Discovery.EntityDefinition _definition;

    internal EntityOptions(Discovery.EntityDefinition definition) => _definition = definition;

    /// <summary>The component the options belong to.</summary>
    public string Component => _definition.Component;

    // ---- topics ----

    /// <summary><c>state_topic</c>.</summary>
    public string? StateTopic => Text("state_topic");

    /// <summary><c>command_topic</c>.</summary>
    public string? CommandTopic => Text("command_topic");

    /// <summary><c>json_attributes_topic</c>.</summary>
    public string? JsonAttributesTopic => Text("json_attributes_topic");

    /// <summary>Device trigger and tag scanner: <c>topic</c>, where their events come from.</summary>
    public string? Topic => Text("topic");

    /// <summary>The availability topics (<c>availability_topic</c> or each <c>availability</c> entry's <c>topic</c>), in
    /// config order; empty without availability.</summary>
    public IReadOnlyList<string> AvailabilityTopics => [.. _definition.Availability?.Sources.Select(s => s.Topic) ?? []];

    /// <summary>How the availability topics combine; null without availability.</summary>
    public AvailabilityMode? AvailabilityMode => _definition.Availability?.Mode;

    /// <summary>Every <c>…_topic</c> option of the config (key → topic), state and command topics alike.</summary>
    public IReadOnlyDictionary<string, string> Topics
    {
        get
        {
            var topics = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in _definition.Root.EnumerateObject())
            {
                if (property.Name.EndsWith("topic", StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.String)
                {
                    topics[property.Name] = property.Value.GetString()!;
                }
            }

            return topics;
        }
    }

    // ---- common ----

    /// <summary><c>qos</c> of the commands and subscriptions Home Assistant would make (0 by default).</summary>
    public Qos Qos => _definition.Qos;

    /// <summary><c>retain</c> of the commands (false by default).</summary>
    public bool Retain => _definition.Retain;

    /// <summary><c>optimistic</c>, when set.</summary>
    public bool? Optimistic => _definition.Config.Has("optimistic") ? _definition.Config.GetBool("optimistic", false) : null;

    /// <summary><c>device_class</c>.</summary>
    public string? DeviceClass => Text("device_class");

    /// <summary><c>state_class</c> (sensor).</summary>
    public string? StateClass => Text("state_class");

    /// <summary><c>unit_of_measurement</c>.</summary>
    public string? UnitOfMeasurement => Text("unit_of_measurement");

    /// <summary><c>entity_category</c> (<c>config</c>, <c>diagnostic</c>).</summary>
    public string? EntityCategory => Text("entity_category");

    /// <summary><c>icon</c>.</summary>
    public string? Icon => Text("icon");

    /// <summary><c>enabled_by_default</c> (true by default).</summary>
    public bool EnabledByDefault => _definition.Config.GetBool("enabled_by_default", true);

    /// <summary>Sensor and binary sensor: <c>expire_after</c>; null when the state never expires.</summary>
    public TimeSpan? ExpireAfter => _definition.ExpireAfter;

    /// <summary>Binary sensor: <c>off_delay</c>; null when it does not turn itself off.</summary>
    public TimeSpan? OffDelay => _definition.OffDelay;

    // ---- number ----

    /// <summary>Number: <c>min</c> (1 by default); text: the shortest length (0 by default).</summary>
    public double? Min => Is(HomeAssistantComponents.Text) ? Double("min", HomeAssistantComponents.Text, 0) : Double("min", HomeAssistantComponents.Number, 1);

    /// <summary>Number: <c>max</c> (100 by default); text: the longest length (255 by default).</summary>
    public double? Max => Is(HomeAssistantComponents.Text) ? Double("max", HomeAssistantComponents.Text, 255) : Double("max", HomeAssistantComponents.Number, 100);

    /// <summary>Number: <c>step</c> (1 by default).</summary>
    public double? Step => Double("step", HomeAssistantComponents.Number, 1);

    /// <summary>Number: <c>mode</c> (<c>auto</c>, <c>box</c>, <c>slider</c>; <c>auto</c> by default); text: <c>text</c> or
    /// <c>password</c> (<c>text</c> by default).</summary>
    public string? Mode => Is(HomeAssistantComponents.Number) ? Text("mode") ?? "auto" : Is(HomeAssistantComponents.Text) ? Text("mode") ?? "text" : Text("mode");

    /// <summary>Text: <c>pattern</c>, a regular expression the value must match, when set.</summary>
    public string? Pattern => Is(HomeAssistantComponents.Text) ? Text("pattern") : null;

    // ---- select ----

    /// <summary>Select: <c>options</c>.</summary>
    public IReadOnlyList<string>? Options => List("options", HomeAssistantComponents.Select, []);

    // ---- climate ----

    /// <summary>Climate: <c>min_temp</c> (7 °C, or 44.6 with <c>temperature_unit</c> F, by default); water heater: 43.3 °C
    /// or 110 °F.</summary>
    public double? MinTemp => Is(HomeAssistantComponents.WaterHeater)
        ? Double("min_temp", HomeAssistantComponents.WaterHeater, Fahrenheit ? 110 : 43.3)
        : Double("min_temp", HomeAssistantComponents.Climate, Fahrenheit ? 44.6 : 7);

    /// <summary>Climate: <c>max_temp</c> (35 °C, or 95 with <c>temperature_unit</c> F, by default); water heater: 60 °C or
    /// 140 °F.</summary>
    public double? MaxTemp => Is(HomeAssistantComponents.WaterHeater)
        ? Double("max_temp", HomeAssistantComponents.WaterHeater, Fahrenheit ? 140 : 60)
        : Double("max_temp", HomeAssistantComponents.Climate, Fahrenheit ? 95 : 35);

    /// <summary>Climate: <c>temp_step</c> (1 by default).</summary>
    public double? TempStep => Double("temp_step", HomeAssistantComponents.Climate, 1);

    /// <summary>Climate: <c>precision</c>, when set (Home Assistant otherwise uses 0.1 for °C and 1 for °F).</summary>
    public double? Precision => _definition.Config.GetDouble("precision");

    /// <summary>Climate: <c>temperature_unit</c> (<c>C</c> or <c>F</c>), when set.</summary>
    public string? TemperatureUnit => Text("temperature_unit");

    /// <summary>Climate: <c>min_humidity</c> (30 by default); humidifier: 0 by default.</summary>
    public double? MinHumidity => Is(HomeAssistantComponents.Humidifier) ? Double("min_humidity", HomeAssistantComponents.Humidifier, 0) : Double("min_humidity", HomeAssistantComponents.Climate, 30);

    /// <summary>Climate: <c>max_humidity</c> (99 by default); humidifier: 100 by default.</summary>
    public double? MaxHumidity => Is(HomeAssistantComponents.Humidifier) ? Double("max_humidity", HomeAssistantComponents.Humidifier, 100) : Double("max_humidity", HomeAssistantComponents.Climate, 99);

    /// <summary>Climate: <c>modes</c>, the hvac modes (auto, off, cool, heat, dry, fan_only by default); humidifier: its
    /// modes (none by default); water heater: its operation modes (off, eco, electric, gas, heat_pump, high_demand,
    /// performance by default).</summary>
    public IReadOnlyList<string>? Modes => _definition.Component switch
    {
        HomeAssistantComponents.Humidifier => List("modes", HomeAssistantComponents.Humidifier, []),
        HomeAssistantComponents.WaterHeater => List("modes", HomeAssistantComponents.WaterHeater, State.WaterHeaterStateReducer.DefaultModes),
        _ => List("modes", HomeAssistantComponents.Climate, DefaultHvacModes),
    };

    /// <summary>Climate and fan: <c>fan_modes</c> (climate: auto, low, medium, high by default).</summary>
    public IReadOnlyList<string>? FanModes => List("fan_modes", HomeAssistantComponents.Climate, DefaultFanModes);

    /// <summary>Climate: <c>swing_modes</c> (on, off by default).</summary>
    public IReadOnlyList<string>? SwingModes => List("swing_modes", HomeAssistantComponents.Climate, DefaultSwingModes);

    /// <summary>Climate and fan: <c>preset_modes</c> (none by default).</summary>
    public IReadOnlyList<string>? PresetModes =>
        _definition.Config.GetStringList("preset_modes") ?? (Is(HomeAssistantComponents.Climate) || Is(HomeAssistantComponents.Fan) ? [] : null);

    // ---- light ----

    /// <summary>Light: <c>effect_list</c> (none by default).</summary>
    public IReadOnlyList<string>? EffectList => List("effect_list", HomeAssistantComponents.Light, []);

    /// <summary>Light: <c>supported_color_modes</c>, when declared.</summary>
    public IReadOnlyList<string>? SupportedColorModes => _definition.Config.GetStringList("supported_color_modes");

    /// <summary>Light: <c>brightness_scale</c> (255 by default).</summary>
    public double? BrightnessScale => Double("brightness_scale", HomeAssistantComponents.Light, 255);

    /// <summary>Light: <c>min_mireds</c>, when set.</summary>
    public double? MinMireds => _definition.Config.GetDouble("min_mireds");

    /// <summary>Light: <c>max_mireds</c>, when set.</summary>
    public double? MaxMireds => _definition.Config.GetDouble("max_mireds");

    /// <summary>Light: <c>min_kelvin</c> (2000 by default).</summary>
    public double? MinKelvin => Double("min_kelvin", HomeAssistantComponents.Light, 2000);

    /// <summary>Light: <c>max_kelvin</c> (6535 by default).</summary>
    public double? MaxKelvin => Double("max_kelvin", HomeAssistantComponents.Light, 6535);

    // ---- fan, cover ----

    /// <summary>Fan: <c>speed_range_min</c> (1 by default).</summary>
    public double? SpeedRangeMin => Double("speed_range_min", HomeAssistantComponents.Fan, 1);

    /// <summary>Fan: <c>speed_range_max</c> (100 by default).</summary>
    public double? SpeedRangeMax => Double("speed_range_max", HomeAssistantComponents.Fan, 100);

    /// <summary>Cover and valve: <c>position_open</c> (100 by default).</summary>
    public double? PositionOpen => _definition.Config.GetDouble("position_open") ?? (Is(HomeAssistantComponents.Cover) || Is(HomeAssistantComponents.Valve) ? 100 : null);

    /// <summary>Cover and valve: <c>position_closed</c> (0 by default).</summary>
    public double? PositionClosed => _definition.Config.GetDouble("position_closed") ?? (Is(HomeAssistantComponents.Cover) || Is(HomeAssistantComponents.Valve) ? 0 : null);

    /// <summary>Valve: <c>reports_position</c> (false by default).</summary>
    public bool? ReportsPosition => Is(HomeAssistantComponents.Valve) ? _definition.Config.GetBool("reports_position", false) : null;

    // ---- alarm panel, vacuum, siren, water heater ----

    /// <summary>Alarm panel: <c>supported_features</c> (every arm mode and trigger by default); vacuum: its features
    /// (start, stop, return_home, status, battery, clean_spot by default).</summary>
    public IReadOnlyList<string>? SupportedFeatures => _definition.Component switch
    {
        HomeAssistantComponents.AlarmControlPanel => List("supported_features", HomeAssistantComponents.AlarmControlPanel, Discovery.ConfigValidator.AlarmFeatures),
        HomeAssistantComponents.Vacuum => List("supported_features", HomeAssistantComponents.Vacuum, ["start", "stop", "return_home", "status", "battery", "clean_spot"]),
        _ => null,
    };

    /// <summary>Alarm panel: whether arming needs the code (<c>code_arm_required</c>, true by default).</summary>
    public bool? CodeArmRequired => Is(HomeAssistantComponents.AlarmControlPanel) ? _definition.Config.GetBool("code_arm_required", true) : null;

    /// <summary>Alarm panel: whether disarming needs the code (<c>code_disarm_required</c>, true by default).</summary>
    public bool? CodeDisarmRequired => Is(HomeAssistantComponents.AlarmControlPanel) ? _definition.Config.GetBool("code_disarm_required", true) : null;

    /// <summary>Alarm panel: whether triggering needs the code (<c>code_trigger_required</c>, true by default).</summary>
    public bool? CodeTriggerRequired => Is(HomeAssistantComponents.AlarmControlPanel) ? _definition.Config.GetBool("code_trigger_required", true) : null;

    /// <summary>Vacuum: <c>fan_speed_list</c> (none by default).</summary>
    public IReadOnlyList<string>? FanSpeedList => List("fan_speed_list", HomeAssistantComponents.Vacuum, []);

    /// <summary>Siren: <c>available_tones</c> (none by default).</summary>
    public IReadOnlyList<string>? AvailableTones => List("available_tones", HomeAssistantComponents.Siren, []);

    /// <summary>Image: <c>content_type</c> (<c>image/jpeg</c> by default).</summary>
    public string? ContentType => Is(HomeAssistantComponents.Image) ? Text("content_type") ?? "image/jpeg" : null;

    /// <summary>Cover: <c>tilt_min</c> (0 by default).</summary>
    public double? TiltMin => Double("tilt_min", HomeAssistantComponents.Cover, 0);

    /// <summary>Cover: <c>tilt_max</c> (100 by default).</summary>
    public double? TiltMax => Double("tilt_max", HomeAssistantComponents.Cover, 100);

    // ---- events ----

    /// <summary>Event: <c>event_types</c>.</summary>
    public IReadOnlyList<string>? EventTypes => List("event_types", HomeAssistantComponents.Event, []);

    /// <summary>Device trigger: <c>type</c> (<c>action</c>, <c>button_short_press</c> …).</summary>
    public string? TriggerType => Is(HomeAssistantComponents.DeviceAutomation) ? Text("type") : null;

    /// <summary>Device trigger: <c>subtype</c> (<c>single</c>, <c>button_1</c> …).</summary>
    public string? TriggerSubtype => Is(HomeAssistantComponents.DeviceAutomation) ? Text("subtype") : null;

    /// <summary>Device trigger: <c>payload</c>, the value that fires it; null fires on every message.</summary>
    public string? TriggerPayload => Is(HomeAssistantComponents.DeviceAutomation) ? Text("payload") : null;

    private bool Fahrenheit => string.Equals(Text("temperature_unit"), "F", StringComparison.OrdinalIgnoreCase);

    private bool Is(string component) => _definition.Component == component;

    private string? Text(string key) => _definition.Config.GetString(key);

    private double? Double(string key, string component, double fallback) =>
        _definition.Config.GetDouble(key) ?? (Is(component) ? fallback : null);

    private IReadOnlyList<string>? List(string key, string component, IReadOnlyList<string> fallback) =>
        _definition.Config.GetStringList(key) ?? (Is(component) ? fallback : null);
}
