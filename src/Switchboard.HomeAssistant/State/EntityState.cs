using System.Text.Json;

namespace Switchboard.HomeAssistant;

/// <summary>
/// The current state of an entity as Home Assistant would show it, typed. <see cref="Value"/> is Home Assistant's state
/// string (<c>on</c>/<c>off</c>, <c>open</c>/<c>closed</c>/<c>opening</c>/<c>closing</c>, <c>locked</c>/<c>unlocked</c>/…,
/// the hvac mode, the sensor value, the selected option); the other properties are the component's attributes.
/// Null means unknown (nothing received yet, or <c>None</c> was received). Immutable: each change is a new instance.
/// </summary>
public sealed record EntityState
{
    // Static initialisers run in the order they are written: this one must come before Unknown, or Unknown (and every
    // state derived from it) would carry null Attributes.
    internal static IReadOnlyDictionary<string, JsonElement> EmptyAttributes { get; } = new Dictionary<string, JsonElement>();

    /// <summary>The state of an entity nothing has been heard from.</summary>
    public static EntityState Unknown { get; } = new();

    /// <summary>Home Assistant's state string; null when unknown.</summary>
    public string? Value { get; init; }

    /// <summary>Light, switch, fan, binary sensor: on or off.</summary>
    public bool? IsOn { get; init; }

    /// <summary>Light: brightness on Home Assistant's 0–255 scale (device values are rescaled by <c>brightness_scale</c>).</summary>
    public int? Brightness { get; init; }

    /// <summary>Light: the active color mode (<c>xy</c>, <c>color_temp</c>, <c>rgb</c>, <c>hs</c>, <c>brightness</c>, <c>onoff</c>, <c>white</c> …).</summary>
    public string? ColorMode { get; init; }

    /// <summary>Light: RGB color.</summary>
    public RgbColor? Rgb { get; init; }

    /// <summary>Light: hue/saturation color.</summary>
    public HsColor? Hs { get; init; }

    /// <summary>Light: xy color.</summary>
    public XyColor? Xy { get; init; }

    /// <summary>Light: color temperature in mireds.</summary>
    public int? ColorTempMireds { get; init; }

    /// <summary>Light: color temperature in kelvin.</summary>
    public int? ColorTempKelvin { get; init; }

    /// <summary>Light: the active effect.</summary>
    public string? Effect { get; init; }

    /// <summary>Climate: measured temperature.</summary>
    public double? CurrentTemperature { get; init; }

    /// <summary>Climate: target temperature.</summary>
    public double? TargetTemperature { get; init; }

    /// <summary>Climate: lower target of a range.</summary>
    public double? TargetTemperatureLow { get; init; }

    /// <summary>Climate: upper target of a range.</summary>
    public double? TargetTemperatureHigh { get; init; }

    /// <summary>Climate: measured humidity.</summary>
    public double? CurrentHumidity { get; init; }

    /// <summary>Climate: target humidity.</summary>
    public double? TargetHumidity { get; init; }

    /// <summary>Climate: hvac mode (<c>off</c>, <c>heat</c>, <c>cool</c>, <c>auto</c>, <c>dry</c>, <c>fan_only</c>, <c>heat_cool</c>).</summary>
    public string? HvacMode { get; init; }

    /// <summary>Climate: what it is doing (<c>heating</c>, <c>cooling</c>, <c>idle</c> …).</summary>
    public string? HvacAction { get; init; }

    /// <summary>Climate: fan mode.</summary>
    public string? FanMode { get; init; }

    /// <summary>Climate: swing mode.</summary>
    public string? SwingMode { get; init; }

    /// <summary>Climate: horizontal swing mode.</summary>
    public string? SwingHorizontalMode { get; init; }

    /// <summary>Climate, fan: preset mode.</summary>
    public string? PresetMode { get; init; }

    /// <summary>Cover: position, 0 (closed) – 100 (open).</summary>
    public int? Position { get; init; }

    /// <summary>Cover: tilt position, 0 – 100.</summary>
    public int? TiltPosition { get; init; }

    /// <summary>Fan: speed in percent.</summary>
    public int? Percentage { get; init; }

    /// <summary>Fan: oscillating.</summary>
    public bool? Oscillating { get; init; }

    /// <summary>Fan: <c>forward</c> or <c>reverse</c>.</summary>
    public string? Direction { get; init; }

    /// <summary>Sensor, number: the value as a number, when it is one.</summary>
    public double? NumericValue { get; init; }

    /// <summary>Sensor, number: <c>unit_of_measurement</c> from the config.</summary>
    public string? Unit { get; init; }

    /// <summary>Select: the selected option.</summary>
    public string? Option { get; init; }

    /// <summary>Humidifier, water heater: the mode (a humidifier's <c>mode</c>, a water heater's operation mode, which is
    /// also its <see cref="Value"/>).</summary>
    public string? Mode { get; init; }

    /// <summary>Humidifier: what it is doing (<c>off</c>, <c>humidifying</c>, <c>drying</c>, <c>idle</c>).</summary>
    public string? Action { get; init; }

    /// <summary>Siren: the tone it reported.</summary>
    public string? Tone { get; init; }

    /// <summary>Siren: the volume level it reported, 0–1.</summary>
    public double? VolumeLevel { get; init; }

    /// <summary>Siren: the duration in seconds it reported.</summary>
    public int? Duration { get; init; }

    /// <summary>Vacuum: battery level in percent.</summary>
    public int? BatteryLevel { get; init; }

    /// <summary>Vacuum: fan speed (one of <c>fan_speed_list</c>).</summary>
    public string? FanSpeed { get; init; }

    /// <summary>Device tracker: latitude, from the <c>latitude</c> attribute of <c>json_attributes_topic</c>.</summary>
    public double? Latitude { get; init; }

    /// <summary>Device tracker: longitude, from the <c>longitude</c> attribute.</summary>
    public double? Longitude { get; init; }

    /// <summary>Device tracker: GPS accuracy in meters, from the <c>gps_accuracy</c> attribute (0 when GPS has no accuracy).</summary>
    public double? GpsAccuracy { get; init; }

    /// <summary>Update: versions, release notes and install progress; null for other components.</summary>
    public UpdateInfo? Update { get; init; }

    /// <summary>Camera, image: the last image (bytes or URL); null until one arrives.</summary>
    public ImageInfo? Image { get; init; }

    /// <summary>Attributes from <c>json_attributes_topic</c> (after <c>json_attributes_template</c>).</summary>
    public IReadOnlyDictionary<string, JsonElement> Attributes { get; init; } = EmptyAttributes;

    /// <summary>When the state last changed (the registry's clock).</summary>
    public DateTimeOffset? LastChanged { get; init; }


    /// <summary>Compares everything except <see cref="LastChanged"/>.</summary>
    internal bool SameAs(EntityState other) =>

        // A reducer's result is "current with { … }", which keeps LastChanged: compared as is, without the two clones
        // (this record is large, and every state message of every entity comes through here).
        LastChanged == other.LastChanged ? this == other : this with { LastChanged = null } == other with { LastChanged = null };
}
