using System.Text.Json;

namespace Switchboard.HomeAssistant;

/// <summary>A device trigger (<c>device_automation</c>) fired: a message on its <c>topic</c> whose value (after
/// <c>value_template</c>) equals its <c>payload</c>, or any message when it has no <c>payload</c>.</summary>
public sealed class TriggerFiredEventArgs(HomeAssistantEntity trigger, string type, string subtype, string topic, string payload, DateTimeOffset timestamp) : EventArgs
{
    /// <summary>The device trigger (its <see cref="HomeAssistantEntity.Device"/> is the device that fired it).</summary>
    public HomeAssistantEntity Trigger { get; } = trigger;

    /// <summary>The trigger's <c>type</c> (<c>action</c>, <c>button_short_press</c> …), as configured when it fired.</summary>
    public string Type { get; } = type;

    /// <summary>The trigger's <c>subtype</c> (<c>single</c>, <c>button_1</c> …), as configured when it fired.</summary>
    public string Subtype { get; } = subtype;

    /// <summary>The topic the message came on.</summary>
    public string Topic { get; } = topic;

    /// <summary>The message's payload as received (UTF-8), before any template.</summary>
    public string Payload { get; } = payload;

    /// <summary>When the registry handled the message, by its <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; } = timestamp;
}

/// <summary>A tag scanner (<c>tag</c>) read a tag: the value of a message on its <c>topic</c> (after
/// <c>value_template</c>, stripped) is the tag id; messages that give no id are ignored.</summary>
public sealed class TagScannedEventArgs(HomeAssistantEntity scanner, string tagId, string topic, string payload, DateTimeOffset timestamp) : EventArgs
{
    /// <summary>The tag scanner (its <see cref="HomeAssistantEntity.Device"/> is the reader).</summary>
    public HomeAssistantEntity Scanner { get; } = scanner;

    /// <summary>The tag id: never empty, without surrounding white space.</summary>
    public string TagId { get; } = tagId;

    /// <summary>The topic the message came on.</summary>
    public string Topic { get; } = topic;

    /// <summary>The message's payload as received (UTF-8), before any template.</summary>
    public string Payload { get; } = payload;

    /// <summary>When the registry handled the message, by its <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; } = timestamp;
}

/// <summary>An <c>event</c> entity received an event: a non-retained message on its <c>state_topic</c> whose value
/// (after <c>value_template</c>) is a JSON object with an <c>event_type</c> listed in its <c>event_types</c>.</summary>
public sealed class EventReceivedEventArgs(HomeAssistantEntity entity, string eventType, IReadOnlyDictionary<string, JsonElement> attributes, string topic, string payload, DateTimeOffset timestamp) : EventArgs
{
    /// <summary>The event entity.</summary>
    public HomeAssistantEntity Entity { get; } = entity;

    /// <summary>The <c>event_type</c> (one of the entity's <c>event_types</c>).</summary>
    public string EventType { get; } = eventType;

    /// <summary>The other keys of the event object (without <c>event_type</c>); empty when there are none.</summary>
    public IReadOnlyDictionary<string, JsonElement> Attributes { get; } = attributes;

    /// <summary>The topic the message came on.</summary>
    public string Topic { get; } = topic;

    /// <summary>The message's payload as received (UTF-8), before any template.</summary>
    public string Payload { get; } = payload;

    /// <summary>When the registry handled the message, by its <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; } = timestamp;
}
