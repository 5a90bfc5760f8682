namespace Switchboard.HomeAssistant;

/// <summary>A snapshot of <see cref="HomeAssistantRegistry"/> counters.</summary>
public sealed record RegistryStats
{
    /// <summary>Messages received on the discovery prefix (configs and everything else).</summary>
    public long DiscoveryMessages { get; init; }

    /// <summary>Messages under the prefix that are not config topics (for example <c>homeassistant/status</c>).</summary>
    public long Ignored { get; init; }

    /// <summary>Entities added.</summary>
    public long Added { get; init; }

    /// <summary>Entity configs replaced by a newer one for the same discovery topic or unique id.</summary>
    public long Updated { get; init; }

    /// <summary>Entities removed (empty payload, <c>{}</c>, or a device component reduced to its platform).</summary>
    public long Removed { get; init; }

    /// <summary>Discovery messages, components or (for <see cref="RejectionReason.UnsupportedTemplate"/>) template options refused;
    /// see <see cref="RejectedByReason"/>.</summary>
    public long Rejected { get; init; }

    /// <summary>Refusals per reason.</summary>
    public IReadOnlyDictionary<RejectionReason, long> RejectedByReason { get; init; } = new Dictionary<RejectionReason, long>();

    /// <summary>Messages received on entity state, attribute and availability topics.</summary>
    public long StateMessages { get; init; }

    /// <summary>State messages that changed an entity's state.</summary>
    public long StateChanges { get; init; }

    /// <summary>Value templates that produced no value because a key was missing (the state was kept).</summary>
    public long TemplateNoValue { get; init; }

    /// <summary>Value templates that failed for their input (the state was kept).</summary>
    public long TemplateErrors { get; init; }

    /// <summary>Templates outside the supported subset, counted per discovery config (the option is ignored; never replaced
    /// by the raw value).</summary>
    public long UnsupportedTemplates { get; init; }

    /// <summary>State payloads the component could not use (not a number, not one of the configured payloads …).</summary>
    public long InvalidStatePayloads { get; init; }

    /// <summary>Event handlers that threw (logged; the registry carried on).</summary>
    public long HandlerErrors { get; init; }

    /// <summary>Device trigger messages that fired (<see cref="HomeAssistantRegistry.TriggerFired"/>).</summary>
    public long TriggersFired { get; init; }

    /// <summary>Tag scans (<see cref="HomeAssistantRegistry.TagScanned"/>).</summary>
    public long TagsScanned { get; init; }

    /// <summary>Events of <c>event</c> entities (<see cref="HomeAssistantRegistry.EventReceived"/>); invalid ones count as
    /// <see cref="InvalidStatePayloads"/>.</summary>
    public long EventsReceived { get; init; }

    /// <summary>Entities now in the registry.</summary>
    public int Entities { get; init; }

    /// <summary>Devices now in the registry.</summary>
    public int Devices { get; init; }
}
