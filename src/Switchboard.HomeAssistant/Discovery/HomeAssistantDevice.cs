namespace Switchboard.HomeAssistant;

/// <summary>
/// A device as the registry groups it: the entities whose <c>device</c> mappings share an identifier or a connection.
/// A snapshot: <see cref="HomeAssistantRegistry.Devices"/> builds new ones on each call.
/// </summary>
public sealed class HomeAssistantDevice
{
    internal HomeAssistantDevice(string id, DeviceInfo info, IReadOnlyList<HomeAssistantEntity> entities)
    {
        Id = id;
        Info = info;
        Entities = entities;
    }

    /// <summary>The device's first identifier (or <c>type|value</c> of its first connection).</summary>
    public string Id { get; }

    /// <summary>The device mapping, merged over its entities (identifiers and connections united).</summary>
    public DeviceInfo Info { get; }

    /// <summary>Display name: <see cref="DeviceInfo.Name"/>, else <see cref="Id"/>.</summary>
    public string Name => Info.Name ?? Id;

    /// <summary>The device's entities.</summary>
    public IReadOnlyList<HomeAssistantEntity> Entities { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Entities.Count} entities)";

    /// <summary>Groups entities into devices: union of entities sharing any identifier or connection.</summary>
    internal static List<HomeAssistantDevice> Group(IEnumerable<HomeAssistantEntity> entities)
    {
        var withDevice = entities.Where(e => e.Device is not null).ToList();
        var parent = Enumerable.Range(0, withDevice.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        var owner = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < withDevice.Count; i++)
        {
            foreach (var key in withDevice[i].Device!.GroupingKeys)
            {
                if (owner.TryGetValue(key, out var other))
                {
                    parent[Find(i)] = Find(other);
                }
                else
                {
                    owner[key] = i;
                }
            }
        }

        var devices = new List<HomeAssistantDevice>();
        foreach (var group in Enumerable.Range(0, withDevice.Count).GroupBy(Find))
        {
            var members = group.Select(i => withDevice[i]).ToList();
            var infos = members.Select(m => m.Device!).ToList();
            var richest = infos.MaxBy(Richness)!;
            var merged = richest with
            {
                Identifiers = [.. infos.SelectMany(i => i.Identifiers).Distinct(StringComparer.Ordinal)],
                Connections = [.. infos.SelectMany(i => i.Connections).Distinct()],
            };
            var id = merged.Identifiers.Count > 0 ? merged.Identifiers[0] : $"{merged.Connections[0].Key}|{merged.Connections[0].Value}";
            devices.Add(new HomeAssistantDevice(id, merged, members));
        }

        return devices;
    }

    private static int Richness(DeviceInfo info) =>
        new[] { info.Name, info.Manufacturer, info.Model, info.ModelId, info.SwVersion, info.HwVersion, info.SerialNumber, info.SuggestedArea, info.ConfigurationUrl, info.ViaDevice }
            .Count(v => v is not null);
}
