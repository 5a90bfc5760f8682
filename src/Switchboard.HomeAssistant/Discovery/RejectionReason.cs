namespace Switchboard.HomeAssistant;

/// <summary>Why a discovery message (or one component of a device-based message) was refused.</summary>
public enum RejectionReason
{
    /// <summary>The topic has the wrong number of levels, or a node/object id with characters outside <c>[a-zA-Z0-9_-]</c>.</summary>
    IllegalTopic,

    /// <summary>The component (in the topic, or a device component's <c>platform</c>) is not a Home Assistant MQTT component.</summary>
    UnknownComponent,

    /// <summary>The payload is not JSON.</summary>
    InvalidJson,

    /// <summary>The payload is JSON but not an object.</summary>
    NotAnObject,

    /// <summary>A key the component requires is missing (for example <c>command_topic</c> of a switch).</summary>
    MissingRequiredKey,

    /// <summary>A key has a value of the wrong type or outside what Home Assistant allows.</summary>
    InvalidValue,

    /// <summary>The entity's <c>unique_id</c> is already used by an entity on another discovery topic of a different component.</summary>
    DuplicateUniqueId,

    /// <summary>A template option is outside the supported Jinja subset. Only that option is refused: the entity is added,
    /// and lists the option in <see cref="HomeAssistantEntity.RejectedTemplates"/>.</summary>
    UnsupportedTemplate,
}
