namespace Switchboard.HomeAssistant.State;

/// <summary>The config keys whose topics an entity's state comes from, per component (and light schema).</summary>
internal static class StateTopics
{
    public const string State = "state_topic";
    public const string JsonAttributes = "json_attributes_topic";
    public const string Availability = "availability";

    /// <summary>The topic of a device trigger or tag scanner (<c>topic</c>): its messages are events, not state.</summary>
    public const string Trigger = "topic";

    private static readonly string[] StateOnly = ["state_topic"];

    private static readonly string[] TriggerOnly = ["topic"];

    private static readonly string[] LightDefault =
    [
        "state_topic", "brightness_state_topic", "color_mode_state_topic", "color_temp_state_topic", "effect_state_topic",
        "hs_state_topic", "rgb_state_topic", "rgbw_state_topic", "rgbww_state_topic", "xy_state_topic",
    ];

    private static readonly string[] Cover = ["state_topic", "position_topic", "tilt_status_topic"];

    private static readonly string[] Climate =
    [
        "current_temperature_topic", "current_humidity_topic", "mode_state_topic", "temperature_state_topic",
        "temperature_low_state_topic", "temperature_high_state_topic", "fan_mode_state_topic", "swing_mode_state_topic",
        "swing_horizontal_mode_state_topic", "preset_mode_state_topic", "action_topic", "target_humidity_state_topic",
    ];

    private static readonly string[] Fan =
    [
        "state_topic", "percentage_state_topic", "preset_mode_state_topic", "oscillation_state_topic", "direction_state_topic",
    ];

    private static readonly string[] Humidifier =
    [
        "state_topic", "target_humidity_state_topic", "current_humidity_topic", "mode_state_topic", "action_topic",
    ];

    private static readonly string[] WaterHeater = ["current_temperature_topic", "temperature_state_topic", "mode_state_topic"];

    private static readonly string[] Update = ["state_topic", "latest_version_topic"];

    private static readonly string[] LawnMower = ["activity_state_topic"];

    private static readonly string[] Image = ["image_topic", "url_topic"];

    /// <summary>True when the messages on <paramref name="key"/> of <paramref name="component"/> are events (device trigger,
    /// tag scan, event entity): they raise an event each and never change <see cref="HomeAssistantEntity.State"/>.</summary>
    public static bool IsEventTopic(string component, string key) => component switch
    {
        HomeAssistantComponents.DeviceAutomation or HomeAssistantComponents.Tag => key == Trigger,
        HomeAssistantComponents.Event => key == State,
        _ => false,
    };

    /// <summary>The state topic keys for <paramref name="component"/>; a light's keys depend on its schema.</summary>
    public static IReadOnlyList<string> For(string component, string? lightSchema) => component switch
    {
        HomeAssistantComponents.Light when lightSchema is "json" or "template" => StateOnly,
        HomeAssistantComponents.Light => LightDefault,
        HomeAssistantComponents.Cover => Cover,
        HomeAssistantComponents.Climate => Climate,
        HomeAssistantComponents.Fan => Fan,
        HomeAssistantComponents.Button or HomeAssistantComponents.Scene or HomeAssistantComponents.Notify or HomeAssistantComponents.Infrared => [],
        HomeAssistantComponents.Humidifier => Humidifier,
        HomeAssistantComponents.WaterHeater => WaterHeater,
        HomeAssistantComponents.Update => Update,
        HomeAssistantComponents.LawnMower => LawnMower,
        HomeAssistantComponents.Camera => TriggerOnly,
        HomeAssistantComponents.Image => Image,
        HomeAssistantComponents.DeviceAutomation or HomeAssistantComponents.Tag => TriggerOnly,
        _ => StateOnly,
    };
}
