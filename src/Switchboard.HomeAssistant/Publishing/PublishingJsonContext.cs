using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Switchboard.HomeAssistant.Publishing;

/// <summary>Source-generated JSON metadata for the nodes the publisher writes.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class PublishingJsonContext : JsonSerializerContext;
