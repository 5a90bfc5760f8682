using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard;

/// <summary>Source-generated serialization of Switchboard's own payloads.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthStatusMessage))]
[JsonSerializable(typeof(Heartbeat))]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class SwitchboardJsonContext : JsonSerializerContext;
