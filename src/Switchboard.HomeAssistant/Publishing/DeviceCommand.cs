using System.Text.Json;

namespace Switchboard.HomeAssistant;

/// <summary>A command received for an announced entity.</summary>
public sealed class DeviceCommand
{
    internal DeviceCommand(string deviceId, string objectId, string component, string topic, string topicKey, string payload, bool retained)
    {
        DeviceId = deviceId;
        ObjectId = objectId;
        Component = component;
        Topic = topic;
        TopicKey = topicKey;
        Payload = payload;
        Retained = retained;
        try
        {
            using var document = JsonDocument.Parse(payload);
            Json = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            Json = null;
        }
    }

    /// <summary>The device's id.</summary>
    public string DeviceId { get; }

    /// <summary>The entity's object id.</summary>
    public string ObjectId { get; }

    /// <summary>The entity's component.</summary>
    public string Component { get; }

    /// <summary>The topic the command came on.</summary>
    public string Topic { get; }

    /// <summary>Which config key that topic is: <c>command_topic</c>, <c>brightness_command_topic</c>, <c>set_position_topic</c> ….</summary>
    public string TopicKey { get; }

    /// <summary>The payload as text (<c>ON</c>, <c>{"state":"ON","brightness":128}</c>, <c>21.5</c> …).</summary>
    public string Payload { get; }

    /// <summary>The payload parsed as JSON, when it is JSON (a JSON-schema light's command, or a number).</summary>
    public JsonElement? Json { get; }

    /// <summary>True when the broker delivered it from its retained store (someone published the command retained).</summary>
    public bool Retained { get; }

    /// <summary>A string property of a JSON object payload (<c>state</c> of a JSON light command), else null.</summary>
    public string? GetString(string property) =>
        Json is { ValueKind: JsonValueKind.Object } obj && obj.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A numeric property of a JSON object payload (<c>brightness</c>), else null.</summary>
    public double? GetNumber(string property) =>
        Json is { ValueKind: JsonValueKind.Object } obj && obj.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    /// <inheritdoc/>
    public override string ToString() => $"{DeviceId}/{ObjectId} {TopicKey}: {Payload}";
}
