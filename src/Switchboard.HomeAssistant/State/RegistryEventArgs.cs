namespace Switchboard.HomeAssistant;

/// <summary>An entity was added, or its config was replaced by a newer discovery message.</summary>
public sealed class EntityDiscoveredEventArgs(HomeAssistantEntity entity, bool isUpdate) : EventArgs
{
    /// <summary>The entity (live: its state keeps changing).</summary>
    public HomeAssistantEntity Entity { get; } = entity;

    /// <summary>True when an existing entity got a new config; false when it is new.</summary>
    public bool IsUpdate { get; } = isUpdate;
}

/// <summary>An entity was removed (empty discovery payload, <c>{}</c>, or a device component reduced to its platform).</summary>
public sealed class EntityRemovedEventArgs(HomeAssistantEntity entity) : EventArgs
{
    /// <summary>The removed entity; <see cref="HomeAssistantEntity.IsRemoved"/> is true.</summary>
    public HomeAssistantEntity Entity { get; } = entity;
}

/// <summary>An entity's state changed.</summary>
public sealed class EntityStateChangedEventArgs(HomeAssistantEntity entity, EntityState previous, EntityState current, string topic) : EventArgs
{
    /// <summary>The entity.</summary>
    public HomeAssistantEntity Entity { get; } = entity;

    /// <summary>The state before.</summary>
    public EntityState Previous { get; } = previous;

    /// <summary>The state after (the entity may have moved on by the time the handler runs).</summary>
    public EntityState Current { get; } = current;

    /// <summary>The topic of the message that changed it; when <c>off_delay</c> turned a binary sensor off, the topic of
    /// the ON message that started the delay.</summary>
    public string Topic { get; } = topic;
}

/// <summary>An entity became available or unavailable.</summary>
public sealed class EntityAvailabilityChangedEventArgs(HomeAssistantEntity entity, bool isAvailable, string topic) : EventArgs
{
    /// <summary>The entity.</summary>
    public HomeAssistantEntity Entity { get; } = entity;

    /// <summary>The new availability.</summary>
    public bool IsAvailable { get; } = isAvailable;

    /// <summary>The availability topic whose message changed it; for <c>expire_after</c>, the state topic of the message
    /// that revived it or, when it expired, of the last message before the silence; for a rediscovery, the discovery
    /// topic; for a change caused by the registry's own connection (the client leaving or regaining
    /// <see cref="ConnectionState.Connected"/>), the empty string.</summary>
    public string Topic { get; } = topic;
}
