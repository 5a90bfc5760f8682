using System.Text.Json;

namespace Switchboard.HomeAssistant;

/// <summary>
/// The <c>device</c> mapping of a discovery config (abbreviations expanded): what groups entities into one device.
/// Two entities belong to the same device when they share an identifier or a connection.
/// </summary>
public sealed record DeviceInfo
{
    /// <summary><c>identifiers</c> (<c>ids</c>).</summary>
    public IReadOnlyList<string> Identifiers { get; init; } = [];

    /// <summary><c>connections</c> (<c>cns</c>): pairs such as <c>("mac", "aa:bb:…")</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Connections { get; init; } = [];

    /// <summary><c>name</c>.</summary>
    public string? Name { get; init; }

    /// <summary><c>manufacturer</c> (<c>mf</c>).</summary>
    public string? Manufacturer { get; init; }

    /// <summary><c>model</c> (<c>mdl</c>).</summary>
    public string? Model { get; init; }

    /// <summary><c>model_id</c> (<c>mdl_id</c>).</summary>
    public string? ModelId { get; init; }

    /// <summary><c>sw_version</c> (<c>sw</c>).</summary>
    public string? SwVersion { get; init; }

    /// <summary><c>hw_version</c> (<c>hw</c>).</summary>
    public string? HwVersion { get; init; }

    /// <summary><c>serial_number</c> (<c>sn</c>).</summary>
    public string? SerialNumber { get; init; }

    /// <summary><c>suggested_area</c> (<c>sa</c>).</summary>
    public string? SuggestedArea { get; init; }

    /// <summary><c>configuration_url</c> (<c>cu</c>).</summary>
    public string? ConfigurationUrl { get; init; }

    /// <summary><c>via_device</c>: the identifier of the hub this device talks through.</summary>
    public string? ViaDevice { get; init; }

    /// <summary>Keys that identify the device: <c>id:&lt;identifier&gt;</c> and <c>cn:&lt;type&gt;|&lt;value&gt;</c>.</summary>
    internal IEnumerable<string> GroupingKeys =>
        Identifiers.Select(i => "id:" + i).Concat(Connections.Select(c => $"cn:{c.Key.ToLowerInvariant()}|{c.Value.ToLowerInvariant()}"));

    /// <summary>Device mappings by their JSON text: the entities of one device carry the same mapping, and share one
    /// (immutable) <see cref="DeviceInfo"/>.</summary>
    private static readonly Discovery.SharedValues<DeviceInfo> Shared = new(16_384);

    /// <summary>Reads an expanded <c>device</c> mapping; null with a reason when it is not usable.</summary>
    internal static DeviceInfo? Parse(JsonElement device, out string? error)
    {
        if (device.ValueKind == JsonValueKind.Object)
        {
            var text = device.GetRawText();
            string? failure = null;
            var shared = Shared.GetOrAdd(text, _ => ParseCore(device, out failure) ?? Invalid);
            error = ReferenceEquals(shared, Invalid) ? failure ?? InvalidReason(device) : null;
            return ReferenceEquals(shared, Invalid) ? null : shared;
        }

        return ParseCore(device, out error);
    }

    /// <summary>Marks a mapping that did not parse, in the cache.</summary>
    private static readonly DeviceInfo Invalid = new();

    private static string? InvalidReason(JsonElement device)
    {
        ParseCore(device, out var error);
        return error;
    }

    private static DeviceInfo? ParseCore(JsonElement device, out string? error)
    {
        error = null;
        if (device.ValueKind != JsonValueKind.Object)
        {
            error = "'device' must be a mapping";
            return null;
        }

        var view = new Discovery.ConfigView(device);
        var connections = new List<KeyValuePair<string, string>>();
        if (view.TryGet("connections", out var cns))
        {
            if (cns.ValueKind != JsonValueKind.Array)
            {
                error = "'device.connections' must be a list of [type, value] pairs";
                return null;
            }

            foreach (var pair in cns.EnumerateArray())
            {
                if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2
                    || Discovery.ConfigView.AsText(pair[0]) is not { } type || Discovery.ConfigView.AsText(pair[1]) is not { } value)
                {
                    error = "'device.connections' must be a list of [type, value] pairs";
                    return null;
                }

                connections.Add(new(type, value));
            }
        }

        var info = new DeviceInfo
        {
            Identifiers = view.GetStringList("identifiers") ?? [],
            Connections = connections,
            Name = view.GetString("name"),
            Manufacturer = view.GetString("manufacturer"),
            Model = view.GetString("model"),
            ModelId = view.GetString("model_id"),
            SwVersion = view.GetString("sw_version"),
            HwVersion = view.GetString("hw_version"),
            SerialNumber = view.GetString("serial_number"),
            SuggestedArea = view.GetString("suggested_area"),
            ConfigurationUrl = view.GetString("configuration_url"),
            ViaDevice = view.GetString("via_device"),
        };
        if (info.Identifiers.Count == 0 && info.Connections.Count == 0)
        {
            error = "'device' must have at least one of 'identifiers' (ids) and 'connections' (cns)";
            return null;
        }

        return info;
    }
}
