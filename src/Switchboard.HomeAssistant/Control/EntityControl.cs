using System.Text.Json;
using Switchboard.HomeAssistant.Discovery;
using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant;

/// <summary>
/// Base of the typed controls (<see cref="LightControl"/>, <see cref="SwitchControl"/> …). Each action first builds the
/// messages Home Assistant would publish — from the entity's current config, so a rediscovery is honoured — and then
/// publishes them in order, completing when the broker has them (QoS ≥ 1) or they are written (QoS 0). A
/// <c>Build…</c> method returns the same messages without sending them.
/// </summary>
public abstract class EntityControl
{
    private protected EntityControl(HomeAssistantEntity entity, string component)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.Component != component)
        {
            throw new InvalidOperationException($"Entity '{entity.Id}' is a {entity.Component}, not a {component}.");
        }

        Entity = entity;
    }

    /// <summary>The entity controlled.</summary>
    public HomeAssistantEntity Entity { get; }

    private protected ConfigView Config => Entity.Definition.Config;

    /// <summary>Publishes <paramref name="messages"/> in order.</summary>
    /// <exception cref="ObjectDisposedException">The entity was removed.</exception>
    public async Task PublishAsync(IReadOnlyList<CommandMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var client = Entity.Registry.Client;
        foreach (var message in messages)
        {
            Log.CommandPublishing(Entity.Registry.Logger, Entity.Id, message.Topic, message.Payload, (int)message.Qos, message.Retain);
            Entity.Debug.Published(new DebugMessage(message.Topic, message.Payload, message.Qos, message.Retain, Entity.Registry.Time.GetUtcNow()));
            await client.PublishAsync(message.Topic, message.Payload, message.Qos, message.Retain, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A message to the topic at <paramref name="topicKey"/>, with the entity's qos and retain.</summary>
    private protected CommandMessage Message(string topicKey, string payload) =>
        new(RequireTopic(topicKey), payload, Entity.Definition.Qos, Entity.Definition.Retain);

    private protected string RequireTopic(string topicKey) =>
        Config.GetString(topicKey) ?? throw new NotSupportedException($"{Entity.Component} '{Entity.Id}' has no '{topicKey}' in its discovery config, so it cannot do that.");

    private protected bool HasTopic(string topicKey) => Config.Has(topicKey);

    /// <summary>A configured payload: the config's value, <paramref name="fallback"/> when the key is absent, and null
    /// when the key is explicitly null (Home Assistant's way of disabling an action).</summary>
    private protected string? ConfiguredPayload(string key, string? fallback) =>
        Config.Root.TryGetProperty(key, out var value) ? (value.ValueKind == JsonValueKind.Null ? null : ConfigView.AsText(value)) : fallback;

    /// <summary>Renders the command template at <paramref name="templateKey"/> with <c>value</c> and the variables, or
    /// returns the value as Python text when there is no template.</summary>
    /// <exception cref="CommandTemplateException">The template is outside the supported subset, or failed for these values.</exception>
    private protected string Render(string templateKey, object? value, IReadOnlyDictionary<string, object?>? variables = null)
    {
        var template = Entity.Definition.GetTemplate(templateKey);
        if (template is null)
        {
            return PythonText.Str(value);
        }

        if (template.Template is null)
        {
            // Home Assistant would send the rendered template; the plain value could mean something else to the device.
            var refused = new CommandTemplateException(Entity.Id, templateKey, template.Source, template.Error ?? "not supported", unsupported: true);
            Log.CommandTemplateRefused(Entity.Registry.Logger, Entity.Id, templateKey, template.Source, refused.Reason);
            throw refused;
        }

        var all = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["entity_id"] = Entity.Id,
            ["name"] = Entity.DisplayName,
        };
        if (variables is not null)
        {
            foreach (var (key, v) in variables)
            {
                all[key] = v;
            }
        }

        var result = template.Template.RenderCommand(value, all);
        if (result.Outcome == TemplateOutcome.Error)
        {
            var failed = new CommandTemplateException(Entity.Id, templateKey, template.Source, result.Detail ?? "unknown error", unsupported: false);
            Log.CommandTemplateRefused(Entity.Registry.Logger, Entity.Id, templateKey, template.Source, failed.Reason);
            throw failed;
        }

        return result.Text ?? string.Empty;
    }

    /// <summary>Checks that <paramref name="value"/> is one of the list at <paramref name="listKey"/> (or its defaults).</summary>
    private protected void RequireIn(string value, string listKey, IReadOnlyList<string> defaults, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        var allowed = Config.GetStringList(listKey) ?? defaults;
        if (!allowed.Contains(value))
        {
            throw new ArgumentException($"'{value}' is not a {what} of {Entity.Component} '{Entity.Id}'; it supports: {string.Join(", ", allowed)}.", nameof(value));
        }
    }

    /// <summary>Python's <c>round()</c> to an int (half to even).</summary>
    private protected static int PyRound(double value) => (int)Math.Round(value, MidpointRounding.ToEven);
}
