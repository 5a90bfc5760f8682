namespace Switchboard.HomeAssistant;

/// <summary>A device to announce to Home Assistant with <see cref="HomeAssistantDevicePublisher.AnnounceAsync"/>.</summary>
public sealed class DeviceDescription
{
    /// <summary>The device's id: the discovery node id and its first identifier. Only <c>[a-zA-Z0-9_-]</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public string? Name { get; init; }

    /// <summary>Manufacturer.</summary>
    public string? Manufacturer { get; init; }

    /// <summary>Model.</summary>
    public string? Model { get; init; }

    /// <summary>Model id.</summary>
    public string? ModelId { get; init; }

    /// <summary>Software version.</summary>
    public string? SwVersion { get; init; }

    /// <summary>Hardware version.</summary>
    public string? HwVersion { get; init; }

    /// <summary>Serial number.</summary>
    public string? SerialNumber { get; init; }

    /// <summary>Suggested area (room).</summary>
    public string? SuggestedArea { get; init; }

    /// <summary>A URL where the device can be configured.</summary>
    public string? ConfigurationUrl { get; init; }

    /// <summary>More identifiers besides <see cref="Id"/>.</summary>
    public IList<string> Identifiers { get; init; } = [];

    /// <summary>Announce with one device-based discovery message (<c>&lt;prefix&gt;/device/&lt;id&gt;/config</c> with
    /// <c>cmps</c>) instead of one message per entity.</summary>
    public bool UseDeviceDiscovery { get; init; }

    /// <summary>The device's entities.</summary>
    public IList<EntityDescription> Entities { get; init; } = [];
}
