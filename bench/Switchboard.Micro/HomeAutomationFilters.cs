namespace Switchboard.Micro;

/// <summary>
/// Subscription filters as a home-automation installation has them: the well-known wildcard filters of Home
/// Assistant, Zigbee2MQTT, Tasmota, Shelly, ESPHome and our own services first, then per-device filters.
/// </summary>
public static class HomeAutomationFilters
{
    private static readonly string[] WellKnown =
    [
        "homeassistant/#",
        "homeassistant/status",
        "home/+/light/#",
        "zigbee2mqtt/+",
        "zigbee2mqtt/+/availability",
        "zigbee2mqtt/bridge/#",
        "tasmota/tele/+/SENSOR",
        "tasmota/stat/+/RESULT",
        "system/health/+",
        "shellies/+/relay/0",
        "esphome/+/status",
        "home/+/+/state",
        "frigate/events",
        "valetudo/+/+/+",
    ];

    private static readonly string[] Rooms = ["kitchen", "living_room", "bedroom", "bathroom", "hall", "office", "garage", "garden"];

    /// <summary><paramref name="count"/> distinct filters: the well-known ones, then generated per-device filters.</summary>
    public static List<string> Take(int count)
    {
        var filters = new List<string>(count);
        filters.AddRange(WellKnown.Take(count));
        for (var i = 0; filters.Count < count; i++)
        {
            var room = Rooms[i % Rooms.Length];
            filters.Add((i % 6) switch
            {
                0 => $"zigbee2mqtt/{room}_sensor_{i}",
                1 => $"home/{room}/light/lamp{i}/state",
                2 => $"tasmota/stat/plug{i}/POWER",
                3 => $"homeassistant/sensor/node{i}/+/config",
                4 => $"shellies/shelly{i}/+/#",
                _ => $"home/{room}/climate{i}/+",
            });
        }

        return filters;
    }

    /// <summary>Topics such an installation receives; each matches one or more of the well-known filters.</summary>
    public static readonly string[] TypicalTopics =
    [
        "zigbee2mqtt/kitchen_sensor_0",
        "home/living_room/light/ceiling/state",
        "homeassistant/light/hue_1/config",
        "tasmota/tele/plug7/SENSOR",
        "system/health/tars-stt",
        "home/hall/door/state",
        "shellies/shelly4/relay/0",
        "zigbee2mqtt/bridge/state",
    ];
}
