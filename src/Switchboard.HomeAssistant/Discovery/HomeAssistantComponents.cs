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

    /// <summary><c>alarm_control_panel</c> — an alarm panel: arm modes, disarm, trigger, with an optional code.</summary>
    public const string AlarmControlPanel = "alarm_control_panel";

    /// <summary><c>valve</c> — open/close/stop, and a position when it <c>reports_position</c>.</summary>
    public const string Valve = "valve";

    /// <summary><c>humidifier</c> — on/off, target humidity, mode.</summary>
    public const string Humidifier = "humidifier";

    /// <summary><c>water_heater</c> — operation mode, target temperature, power.</summary>
    public const string WaterHeater = "water_heater";

    /// <summary><c>text</c> — a text value to read and set.</summary>
    public const string Text = "text";

    /// <summary><c>siren</c> — on/off with tone, volume and duration.</summary>
    public const string Siren = "siren";

    /// <summary><c>update</c> — installed and latest version; install.</summary>
    public const string Update = "update";

    /// <summary><c>scene</c> — activate only; no state.</summary>
    public const string Scene = "scene";

    /// <summary><c>vacuum</c> — start, pause, stop, return to base, clean spot, locate, fan speed, raw commands.</summary>
    public const string Vacuum = "vacuum";

    /// <summary><c>lawn_mower</c> — start mowing, pause, dock.</summary>
    public const string LawnMower = "lawn_mower";

    /// <summary><c>device_tracker</c> — home/not_home or a zone, GPS from attributes.</summary>
    public const string DeviceTracker = "device_tracker";

    /// <summary><c>notify</c> — sends a message; no state.</summary>
    public const string Notify = "notify";

    /// <summary><c>camera</c> — image bytes from <c>topic</c>.</summary>
    public const string Camera = "camera";

    /// <summary><c>image</c> — image bytes from <c>image_topic</c> or a URL from <c>url_topic</c>.</summary>
    public const string Image = "image";

    /// <summary><c>date</c> — a date value (<c>YYYY-MM-DD</c>) to read and set.</summary>
    public const string Date = "date";

    /// <summary><c>time</c> — a time value (<c>HH:MM:SS</c>) to read and set.</summary>
    public const string Time = "time";

    /// <summary><c>datetime</c> — a date and time value (ISO 8601) to read and set.</summary>
    public const string DateTime = "datetime";

    /// <summary><c>infrared</c> — an infrared emitter (sends timings) or receiver (raises signals); see the docs for what is left out.</summary>
    public const string Infrared = "infrared";

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
        AlarmControlPanel, BinarySensor, Button, Camera, Climate, Cover, Date, DateTime, DeviceAutomation, DeviceTracker,
        Event, Fan, Humidifier, Image, Infrared, LawnMower, Light, Lock, Notify, Number, Scene, Select, Sensor, Siren,
        Switch, Tag, Text, Time, Update, Vacuum, Valve, WaterHeater,
    }.ToFrozenSet(StringComparer.Ordinal);
}
