using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard.Simulator;

/// <summary>
/// A home file: a name, an optional random seed and update interval, and its devices. JSON, snake_case keys, comments
/// and trailing commas allowed, unknown keys refused:
/// <code>{ "name": "Flat", "devices": [ { "id": "kitchen", "name": "Kitchen", "type": "light", "brightness": true } ] }</code>
/// </summary>
public sealed class HomeDefinition
{
    /// <summary>The home's name (shown by the CLI).</summary>
    public string Name { get; set; } = "Home";

    /// <summary>Seed of the random generator (noise, motion events); null picks one.</summary>
    public int? Seed { get; set; }

    /// <summary>Seconds between simulation steps; 1 by default.</summary>
    public double UpdateInterval { get; set; } = 1.0;

    /// <summary>The devices.</summary>
    public List<DeviceDefinition> Devices { get; set; } = [];

    /// <summary>Reads a home file.</summary>
    /// <exception cref="FormatException">The file is not valid JSON, has unknown keys, or fails <see cref="Validate"/>; the message names the file and the problem.</exception>
    public static HomeDefinition Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"home file '{path}' cannot be read: {ex.Message}", ex);
        }

        try
        {
            return Parse(text);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"home file '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Parses and validates a home from JSON text.</summary>
    /// <exception cref="FormatException">Not valid JSON, unknown keys, or invalid devices.</exception>
    public static HomeDefinition Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        HomeDefinition? home;
        try
        {
            home = JsonSerializer.Deserialize(json, HomeJsonContext.Default.HomeDefinition);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"line {line + 1}: " : string.Empty;
            throw new FormatException($"{where}{FirstSentence(ex.Message)}", ex);
        }

        if (home is null)
        {
            throw new FormatException("the home is null; expected an object with \"devices\".");
        }

        home.Validate();
        return home;
    }

    /// <summary>The home as indented JSON (the home file format).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, HomeJsonContext.Default.HomeDefinition);

    /// <summary>Checks ids (unique, <c>[a-zA-Z0-9_-]</c>), types and parameter ranges.</summary>
    /// <exception cref="FormatException">The first problem found.</exception>
    public void Validate()
    {
        if (Devices.Count == 0)
        {
            throw new FormatException("the home has no devices.");
        }

        if (UpdateInterval is <= 0 or > 3600 || double.IsNaN(UpdateInterval))
        {
            throw new FormatException($"update_interval {UpdateInterval} must be between 0 and 3600 seconds.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var device in Devices)
        {
            device.Validate();
            if (!ids.Add(device.Id))
            {
                throw new FormatException($"two devices have the id '{device.Id}'.");
            }
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            return message;
        }

        var path = message[(cut + 7)..].Split(" |")[0].Trim();
        return $"{message[..cut].TrimEnd()} (at {path})";
    }
}

/// <summary>One device of a home file. Which optional keys matter depends on <see cref="Type"/> (see <see cref="DeviceTypes"/>).</summary>
public sealed class DeviceDefinition
{
    /// <summary>Device id: the discovery node id and the prefix of its unique ids; <c>[a-zA-Z0-9_-]</c>.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Display name; entity ids derive from it (<c>Kitchen</c> → <c>light.kitchen</c>). Defaults to the id.</summary>
    public string? Name { get; set; }

    /// <summary>One of <see cref="DeviceTypes"/>.</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>Suggested area.</summary>
    public string? Area { get; set; }

    /// <summary>Manufacturer shown in the device info.</summary>
    public string? Manufacturer { get; set; }

    /// <summary>Model shown in the device info.</summary>
    public string? Model { get; set; }

    /// <summary>Light: brightness support (json schema).</summary>
    public bool? Brightness { get; set; }

    /// <summary>Light: color temperature support, in kelvin (json schema).</summary>
    public bool? ColorTemp { get; set; }

    /// <summary>Plug: nominal power draw when on, in watts.</summary>
    public double? Watts { get; set; }

    /// <summary>Sensor: the temperature it drifts around; thermostat: the room's starting temperature (°C).</summary>
    public double? Temperature { get; set; }

    /// <summary>Sensor: the relative humidity it drifts around (%).</summary>
    public double? Humidity { get; set; }

    /// <summary>Cover: seconds for a full open or close.</summary>
    public double? TravelSeconds { get; set; }

    /// <summary>Motion sensor: mean seconds between motion events.</summary>
    public double? MotionInterval { get; set; }

    /// <summary>Fan: preset modes.</summary>
    public List<string>? Presets { get; set; }

    /// <summary>Initial on/off (lights, switches, plugs, fan) or locked (lock).</summary>
    public bool? On { get; set; }

    /// <summary>The name, or the id when no name is set.</summary>
    [JsonIgnore]
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Id : Name;

    /// <summary>Checks the id, type and ranges.</summary>
    /// <exception cref="FormatException">The problem, naming the device.</exception>
    public void Validate()
    {
        if (Id.Length == 0 || !Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new FormatException($"device id '{Id}' must be non-empty and use only [a-zA-Z0-9_-].");
        }

        if (!DeviceTypes.All.Contains(Type))
        {
            throw new FormatException($"device '{Id}' has type '{Type}'; expected one of {string.Join(", ", DeviceTypes.All)}.");
        }

        Check(Watts, "watts", 0, 100_000);
        Check(Temperature, "temperature", -50, 60);
        Check(Humidity, "humidity", 0, 100);
        Check(TravelSeconds, "travel_seconds", 0.1, 600);
        Check(MotionInterval, "motion_interval", 0.1, 86_400);
        if (Presets is { } presets && presets.Any(string.IsNullOrWhiteSpace))
        {
            throw new FormatException($"device '{Id}': presets must be non-empty names.");
        }
    }

    private void Check(double? value, string key, double min, double max)
    {
        if (value is { } v && (double.IsNaN(v) || v < min || v > max))
        {
            throw new FormatException(FormattableString.Invariant($"device '{Id}': {key} {v} must be between {min} and {max}."));
        }
    }
}

/// <summary>The device types a home file can use.</summary>
public static class DeviceTypes
{
    /// <summary>A light: on/off, or json schema with brightness and/or color temperature.</summary>
    public const string Light = "light";

    /// <summary>An on/off switch.</summary>
    public const string Switch = "switch";

    /// <summary>A smart plug: a switch and a power sensor.</summary>
    public const string Plug = "plug";

    /// <summary>A temperature and humidity sensor.</summary>
    public const string Sensor = "sensor";

    /// <summary>A thermostat (climate: off/heat/cool/auto).</summary>
    public const string Thermostat = "thermostat";

    /// <summary>A cover with a position (garage door, blind).</summary>
    public const string Cover = "cover";

    /// <summary>A door lock.</summary>
    public const string Lock = "lock";

    /// <summary>A motion sensor (binary_sensor) with random events.</summary>
    public const string Motion = "motion";

    /// <summary>A fan with percentage, preset modes and oscillation.</summary>
    public const string Fan = "fan";

    /// <summary>A doorbell: a button and a ring counter.</summary>
    public const string Doorbell = "doorbell";

    /// <summary>Every type.</summary>
    public static IReadOnlyList<string> All { get; } = [Light, Switch, Plug, Sensor, Thermostat, Cover, Lock, Motion, Fan, Doorbell];
}

/// <summary>Source-generated JSON for home files.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(HomeDefinition))]
internal sealed partial class HomeJsonContext : JsonSerializerContext;
