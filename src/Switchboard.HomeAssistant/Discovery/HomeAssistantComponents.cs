using System.Collections.Frozen;

namespace Switchboard.HomeAssistant;

/// <summary>
/// Home Assistant MQTT component (platform) names as they appear in discovery topics and in the <c>p</c>/<c>platform</c>
/// key of device-based discovery. <see cref="Supported"/> is the set Home Assistant accepts; the registry tracks all of
/// them, and has typed state and control for the ones with a constant here.
/// </summary>
public static class HomeAssistantComponents
{
    /// <summary><c>light</c> — default, json and template schemas.</summary>
    public const string Light = "light";

    /// <summary><c>switch</c>.</summary>
    public const string Switch = "switch";

    /// <summary><c>binary_sensor</c>.</summary>
    public const string BinarySensor = "binary_sensor";

    /// <summary><c>sensor</c>.</summary>
    public const string Sensor = "sensor";

    /// <summary><c>cover</c>.</summary>
    public const string Cover = "cover";

    /// <summary><c>climate</c>.</summary>
    public const string Climate = "climate";

    /// <summary><c>fan</c>.</summary>
    public const string Fan = "fan";

    /// <summary><c>lock</c>.</summary>
    public const string Lock = "lock";

    /// <summary><c>number</c>.</summary>
    public const string Number = "number";

    /// <summary><c>select</c>.</summary>
    public const string Select = "select";

    /// <summary><c>button</c>.</summary>
    public const string Button = "button";

    /// <summary><c>device_automation</c> — a device trigger: raises <see cref="HomeAssistantRegistry.TriggerFired"/>, has no state.</summary>
    public const string DeviceAutomation = "device_automation";

    /// <summary><c>tag</c> — a tag scanner: raises <see cref="HomeAssistantRegistry.TagScanned"/>, has no state.</summary>
    public const string Tag = "tag";

    /// <summary><c>event</c> — an event entity: raises <see cref="HomeAssistantRegistry.EventReceived"/>.</summary>
    public const string Event = "event";

    /// <summary>The pseudo-component of device-based discovery: <c>&lt;prefix&gt;/device/&lt;object_id&gt;/config</c>.</summary>
    public const string Device = "device";

    /// <summary>Every component Home Assistant's MQTT discovery accepts (not counting <see cref="Device"/>).</summary>
    public static FrozenSet<string> Supported { get; } = new[]
    {
        "alarm_control_panel", BinarySensor, Button, "camera", Climate, Cover, "date", "datetime", DeviceAutomation,
        "device_tracker", Event, Fan, "humidifier", "image", "lawn_mower", Light, Lock, "notify", Number, "remote",
        "scene", Select, Sensor, "siren", Switch, Tag, "text", "time", "update", "vacuum", "valve", "water_heater",
    }.ToFrozenSet(StringComparer.Ordinal);
}
