namespace Switchboard.Simulator;

/// <summary>The built-in home: fifteen devices covering every simulated type.</summary>
public static class DefaultHome
{
    /// <summary>A new copy of the default home (safe to modify).</summary>
    public static HomeDefinition Create() => new()
    {
        Name = "Default home",
        Devices =
        [
            new() { Id = "kitchen", Name = "Kitchen", Type = DeviceTypes.Light, Area = "Kitchen", Brightness = true, ColorTemp = true, Manufacturer = "Signify", Model = "Hue White Ambiance" },
            new() { Id = "hallway", Name = "Hallway", Type = DeviceTypes.Light, Area = "Hallway", Manufacturer = "IKEA", Model = "TRADFRI bulb" },
            new() { Id = "office", Name = "Office", Type = DeviceTypes.Light, Area = "Office", Brightness = true, On = true, Manufacturer = "IKEA", Model = "TRADFRI dimmable" },
            new() { Id = "plug", Name = "Plug", Type = DeviceTypes.Plug, Area = "Living room", Watts = 60, Manufacturer = "Shelly", Model = "Plug S" },
            new() { Id = "coffee", Name = "Coffee Machine", Type = DeviceTypes.Plug, Area = "Kitchen", Watts = 1450, Manufacturer = "Shelly", Model = "Plug S" },
            new() { Id = "washer", Name = "Washer", Type = DeviceTypes.Plug, Area = "Utility room", Watts = 520, On = true, Manufacturer = "Sonoff", Model = "S31" },
            new() { Id = "garden_pump", Name = "Garden Pump", Type = DeviceTypes.Switch, Area = "Garden", Manufacturer = "Tasmota", Model = "Sonoff Basic" },
            new() { Id = "living", Name = "Living", Type = DeviceTypes.Thermostat, Area = "Living room", Temperature = 19.5, Manufacturer = "Danfoss", Model = "Ally" },
            new() { Id = "bedroom_sensor", Name = "Bedroom Sensor", Type = DeviceTypes.Sensor, Area = "Bedroom", Temperature = 18.5, Humidity = 52, Manufacturer = "Aqara", Model = "WSDCGQ11LM" },
            new() { Id = "outdoor", Name = "Outdoor", Type = DeviceTypes.Sensor, Area = "Garden", Temperature = 9, Humidity = 78, Manufacturer = "Aqara", Model = "WSDCGQ11LM" },
            new() { Id = "garage", Name = "Garage", Type = DeviceTypes.Cover, Area = "Garage", TravelSeconds = 10, Manufacturer = "Shelly", Model = "Plus 2PM" },
            new() { Id = "front", Name = "Front", Type = DeviceTypes.Lock, Area = "Entrance", On = true, Manufacturer = "Nuki", Model = "Smart Lock 4" },
            new() { Id = "hallway_motion", Name = "Hallway Motion", Type = DeviceTypes.Motion, Area = "Hallway", MotionInterval = 40, Manufacturer = "Philips", Model = "Hue motion sensor" },
            new() { Id = "bedroom", Name = "Bedroom", Type = DeviceTypes.Fan, Area = "Bedroom", Presets = ["auto", "sleep", "breeze"], Manufacturer = "Dyson", Model = "Pure Cool" },
            new() { Id = "doorbell", Name = "Doorbell", Type = DeviceTypes.Doorbell, Area = "Entrance", Manufacturer = "Ring", Model = "Video Doorbell" },
        ],
    };
}
