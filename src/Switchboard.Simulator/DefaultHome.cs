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

    /// <summary>
    /// A large home for load tests and the dashboard: <paramref name="devices"/> devices cycling through the default
    /// home's fifteen (every simulated type), numbered (<c>kitchen_00042</c>, "Kitchen 42"), spread over areas of at most
    /// 25 devices each (<c>Floor 3 room 7</c>). The same count always gives the same home.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="devices"/> is below 1 or above 100,000.</exception>
    public static HomeDefinition Scaled(int devices)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(devices, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(devices, 100_000);
        var templates = Create().Devices;
        var home = new HomeDefinition { Name = $"Scaled home ({devices} devices)", Seed = devices };
        for (var i = 0; i < devices; i++)
        {
            var template = templates[i % templates.Count];
            var n = (i / templates.Count) + 1;
            var room = i / 25;
            home.Devices.Add(new DeviceDefinition
            {
                Id = $"{template.Id}_{n:00000}",
                Name = $"{template.Name} {n}",
                Type = template.Type,
                Area = $"Floor {(room / 20) + 1} room {(room % 20) + 1}",
                Manufacturer = template.Manufacturer,
                Model = template.Model,
                Brightness = template.Brightness,
                ColorTemp = template.ColorTemp,
                Watts = template.Watts,
                Temperature = template.Temperature,
                Humidity = template.Humidity,
                TravelSeconds = template.TravelSeconds,
                MotionInterval = template.MotionInterval,
                Presets = template.Presets,
                On = template.On,
            });
        }

        return home;
    }
}
