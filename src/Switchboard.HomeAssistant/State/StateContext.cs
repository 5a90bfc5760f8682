using System.Globalization;
using Switchboard.HomeAssistant.Discovery;
using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant.State;

/// <summary>Receives what a reducer could not use, so the registry can count and log it.</summary>
internal interface IStateDiagnostics
{
    void TemplateNoValue(EntityDefinition definition, string templateKey, string topic, string? detail);

    void TemplateFailed(EntityDefinition definition, string templateKey, string topic, string detail);

    void InvalidPayload(EntityDefinition definition, string topic, string payload, string reason);
}

/// <summary>
/// What a reducer sees for one message: the entity's definition and current state, the topic and payload, and
/// helpers that render templates the way Home Assistant does (no template → raw payload; a missing key or a failing
/// template → no update). A template outside the subset also means no update: it was rejected at discovery, and the
/// raw payload is not what Home Assistant would have read.
/// </summary>
internal sealed class StateContext(EntityDefinition definition, EntityState current, string topic, string payload, IStateDiagnostics diagnostics, ReadOnlyMemory<byte> rawPayload = default)
{
    /// <summary>Home Assistant's payload meaning "unknown".</summary>
    public const string PayloadNone = "None";

    public EntityDefinition Definition { get; } = definition;

    public ConfigView Config => Definition.Config;

    public EntityState Current { get; } = current;

    public string Topic { get; } = topic;

    public string Payload { get; } = payload;

    /// <summary>The payload as received (camera and image payloads are bytes, not text).</summary>
    public ReadOnlyMemory<byte> RawPayload { get; } = rawPayload;

    /// <summary>Renders the template at <paramref name="templateKey"/> (or <paramref name="fallbackKey"/>) on the
    /// payload; returns null when the state must not change.</summary>
    public string? Render(string? templateKey, string? fallbackKey = null)
    {
        var template = (templateKey is null ? null : Definition.GetTemplate(templateKey))
            ?? (fallbackKey is null ? null : Definition.GetTemplate(fallbackKey));
        if (template is null)
        {
            return Payload;
        }

        if (template.Template is null)
        {
            return null;
        }

        var result = template.Template.RenderValue(Payload);
        switch (result.Outcome)
        {
            case TemplateOutcome.Value:
                return result.Text;
            case TemplateOutcome.Undefined:
                diagnostics.TemplateNoValue(Definition, template.Key, Topic, result.Detail);
                return null;
            default:
                diagnostics.TemplateFailed(Definition, template.Key, Topic, result.Detail ?? "unknown error");
                return null;
        }
    }

    /// <summary>Counts and logs a payload the component cannot use; returns null so callers can write <c>return Invalid(…)</c>.</summary>
    public EntityState? Invalid(string value, string reason)
    {
        diagnostics.InvalidPayload(Definition, Topic, value, reason);
        return null;
    }

    public static double? ParseDouble(string text) =>
        TemplateValues.TryParsePythonFloat(text, out var d) && double.IsFinite(d) ? d : null;

    public static int? ParseInt(string text) => ParseDouble(text) is { } d ? (int)Math.Round(d, MidpointRounding.ToEven) : null;

    public static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
