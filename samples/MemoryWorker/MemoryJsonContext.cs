using System.Text.Json;
using System.Text.Json.Serialization;

namespace MemoryWorker;

/// <summary>Source-generated JSON metadata for the envelopes' <c>data</c>, with the client's default conventions
/// (snake_case names as the Python services write them, case-insensitive reading): no reflection, so the worker
/// publishes with Native AOT (<c>dotnet publish -r linux-x64</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SpeechText))]
[JsonSerializable(typeof(MemoryQuery))]
[JsonSerializable(typeof(MemoryResult))]
internal sealed partial class MemoryJsonContext : JsonSerializerContext;
