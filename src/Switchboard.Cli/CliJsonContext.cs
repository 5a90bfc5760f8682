using System.Text.Json;
using System.Text.Json.Serialization;
using Switchboard;
using Switchboard.Cli.Commands;

namespace Switchboard.Cli;

/// <summary>Source-generated JSON for the CLI's payloads (snake_case, like the Python services).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(HealthStatusMessage))]
[JsonSerializable(typeof(Dictionary<string, HealthStatusMessage?>))]
[JsonSerializable(typeof(DemoCommand.SpeechText))]
[JsonSerializable(typeof(DemoCommand.MemoryQuery))]
[JsonSerializable(typeof(DemoCommand.MemoryResult))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
