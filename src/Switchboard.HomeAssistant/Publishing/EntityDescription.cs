using System.Text.Json.Nodes;

namespace Switchboard.HomeAssistant;

/// <summary>Handles a command Home Assistant (or a registry) sent to an announced entity.</summary>
public delegate ValueTask DeviceCommandHandler(DeviceCommand command, CancellationToken cancellationToken);

/// <summary>
/// One entity of a <see cref="DeviceDescription"/>. Its topics default to
/// <c>&lt;topic prefix&gt;/&lt;component&gt;/&lt;unique id&gt;/state</c> and <c>…/set</c>, published with <c>~</c> set to
/// that base, so extra keys in <see cref="Config"/> may use <c>~/…</c> too (for example
/// <c>"set_position_topic": "~/position/set"</c>).
/// </summary>
public sealed class EntityDescription
{
    /// <summary>The component: <c>light</c>, <c>switch</c>, <c>sensor</c> … (see <see cref="HomeAssistantComponents"/>).</summary>
    public required string Component { get; init; }

    /// <summary>The entity's id within the device; only <c>[a-zA-Z0-9_-]</c>.</summary>
    public required string ObjectId { get; init; }

    /// <summary>Display name; null makes Home Assistant use the device name alone.</summary>
    public string? Name { get; init; }

    /// <summary>Unique id; <c>&lt;device id&gt;_&lt;object id&gt;</c> by default.</summary>
    public string? UniqueId { get; init; }

    /// <summary><c>device_class</c>.</summary>
    public string? DeviceClass { get; init; }

    /// <summary><c>unit_of_measurement</c>.</summary>
    public string? UnitOfMeasurement { get; init; }

    /// <summary><c>state_class</c> (<c>measurement</c>, <c>total</c>, <c>total_increasing</c>).</summary>
    public string? StateClass { get; init; }

    /// <summary><c>icon</c>, for example <c>mdi:lightbulb</c>.</summary>
    public string? Icon { get; init; }

    /// <summary><c>entity_category</c> (<c>config</c> or <c>diagnostic</c>).</summary>
    public string? EntityCategory { get; init; }

    /// <summary>The state topic; the default when null. Set to the empty string for none.</summary>
    public string? StateTopic { get; init; }

    /// <summary>The command topic; the default when null (for components that take commands). Empty for none.</summary>
    public string? CommandTopic { get; init; }

    /// <summary>Publish a <c>json_attributes_topic</c> (<c>~/attributes</c>) for <see cref="HomeAssistantDevicePublisher.PublishAttributesAsync(string, string, JsonNode, CancellationToken)"/>.</summary>
    public bool HasAttributes { get; init; }

    /// <summary>Whether states are published retained (so Home Assistant sees them after a restart). Default true.</summary>
    public bool RetainState { get; init; } = true;

    /// <summary>More config keys (full names or abbreviations), added last: <c>schema</c>, <c>brightness</c>,
    /// <c>supported_color_modes</c>, <c>options</c>, extra command topics …</summary>
    public JsonObject? Config { get; init; }

    /// <summary>Called for every message on the entity's command topics (<c>command_topic</c> and every other
    /// <c>*_command_topic</c> in the config), in order, off the client's dispatch loop.</summary>
    public DeviceCommandHandler? OnCommand { get; init; }
}
