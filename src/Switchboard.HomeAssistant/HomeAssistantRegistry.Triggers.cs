using System.Globalization;
using System.Text.Json;
using Switchboard.HomeAssistant.Discovery;
using Switchboard.HomeAssistant.State;
using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant;

// Device triggers, tag scanners and event entities: their messages are events, not states. Each is decided under _gate
// like a state message and queued on the event task, so it is raised in order with the state and availability events
// of the same messages. What Home Assistant does (components/mqtt/trigger.py, tag.py, event.py):
// - device trigger: fires when it has no payload, or the value (value_template rendered, an error gives no value)
//   equals payload; retained messages fire too.
// - tag: the value (value_template, undefined counts as empty) stripped is the tag id; empty is ignored.
// - event: retained messages are ignored; the value must be a JSON object whose event_type (as text) is one of
//   event_types; empty, "None" and "{}" are ignored quietly, anything else wrong is logged and ignored.
public sealed partial class HomeAssistantRegistry
{
    /// <summary>Raised once per device trigger message that matches (see <see cref="TriggerFiredEventArgs"/>), in order
    /// with the other events, on the registry's event task.</summary>
    public event EventHandler<TriggerFiredEventArgs>? TriggerFired;

    /// <summary>Raised once per tag scan (see <see cref="TagScannedEventArgs"/>), on the registry's event task.</summary>
    public event EventHandler<TagScannedEventArgs>? TagScanned;

    /// <summary>Raised once per valid event of an <c>event</c> entity (see <see cref="EventReceivedEventArgs"/>), on the
    /// registry's event task.</summary>
    public event EventHandler<EventReceivedEventArgs>? EventReceived;

    /// <summary>A message on the event topic of a device trigger, tag scanner or event entity; under the lock.</summary>
    private void ProcessEvent(HomeAssistantEntity entity, string topic, string payload, bool retained, Deferred deferred)
    {
        var definition = entity.Definition;
        switch (definition.Component)
        {
            case HomeAssistantComponents.DeviceAutomation:
                var wanted = definition.Config.GetString("payload");
                var value = RenderEventValue(definition, topic, payload, deferred);
                if (wanted is not null && value != wanted)
                {
                    return;
                }

                _counters.TriggersFired++;
                var config = definition.Config;
                deferred.Raise(new TriggerFiredEventArgs(entity, config.GetString("type", string.Empty), config.GetString("subtype", string.Empty), topic, payload, deferred.Now));
                break;

            case HomeAssistantComponents.Tag:
                var tagId = RenderEventValue(definition, topic, payload, deferred)?.Trim();
                if (string.IsNullOrEmpty(tagId))
                {
                    return;
                }

                _counters.TagsScanned++;
                deferred.Raise(new TagScannedEventArgs(entity, tagId, topic, payload, deferred.Now));
                break;

            case HomeAssistantComponents.Event:
                if (retained)
                {
                    // A retained event is an old one replayed by the broker; Home Assistant ignores it.
                    deferred.Add(static (r, s) => Log.RetainedEventIgnored(r._logger, ((string, string, string))s!), (definition.Id, topic, payload));
                    return;
                }

                if (ParseEvent(entity, topic, payload, deferred) is { } received)
                {
                    _counters.EventsReceived++;
                    deferred.Raise(received);
                }

                break;
        }
    }

    private EventReceivedEventArgs? ParseEvent(HomeAssistantEntity entity, string topic, string payload, Deferred deferred)
    {
        var definition = entity.Definition;
        var diagnostics = new StateDiagnostics(this, deferred);
        var value = RenderEventValue(definition, topic, payload, deferred);
        if (string.IsNullOrEmpty(value) || value is StateContext.PayloadNone or "{}")
        {
            return null;
        }

        Dictionary<string, JsonElement> attributes;
        try
        {
            using var document = JsonDocument.Parse(value);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                diagnostics.InvalidPayload(definition, topic, value, "an event must be a JSON object with 'event_type'");
                return null;
            }

            attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                attributes[property.Name] = property.Value.Clone();
            }
        }
        catch (JsonException)
        {
            diagnostics.InvalidPayload(definition, topic, value, "an event must be a JSON object with 'event_type'");
            return null;
        }

        if (!attributes.Remove("event_type", out var typeElement))
        {
            diagnostics.InvalidPayload(definition, topic, value, "the event has no 'event_type'");
            return null;
        }

        // Home Assistant takes str() of it: 1 is "1", true is "True".
        var eventType = ConfigView.AsText(typeElement) ?? (typeElement.ValueKind == JsonValueKind.Null ? StateContext.PayloadNone : typeElement.GetRawText());
        var eventTypes = definition.Config.GetStringList("event_types") ?? [];
        if (!eventTypes.Contains(eventType, StringComparer.Ordinal))
        {
            diagnostics.InvalidPayload(definition, topic, value, string.Create(CultureInfo.InvariantCulture, $"'{eventType}' is not one of its event_types ({string.Join(", ", eventTypes)})"));
            return null;
        }

        return new EventReceivedEventArgs(entity, eventType, attributes, topic, payload, deferred.Now);
    }

    /// <summary>The value of <c>value_template</c> for the payload (the payload itself without one); null when the template
    /// gives none (undefined, failed — counted and logged — or outside the subset).</summary>
    private string? RenderEventValue(EntityDefinition definition, string topic, string payload, Deferred deferred)
    {
        var template = definition.GetTemplate("value_template");
        if (template is null)
        {
            return payload;
        }

        if (template.Template is null)
        {
            return null;
        }

        var diagnostics = new StateDiagnostics(this, deferred);
        var result = template.Template.RenderValue(payload);
        switch (result.Outcome)
        {
            case TemplateOutcome.Value:
                return result.Text;
            case TemplateOutcome.Undefined:
                diagnostics.TemplateNoValue(definition, template.Key, topic, result.Detail);
                return null;
            default:
                diagnostics.TemplateFailed(definition, template.Key, topic, result.Detail ?? "unknown error");
                return null;
        }
    }
}
