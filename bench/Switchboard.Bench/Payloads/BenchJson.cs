using System.Text.Json.Serialization;

namespace Switchboard.Bench;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EventData))]
[JsonSerializable(typeof(RawEnvelope))]
internal sealed partial class BenchJson : JsonSerializerContext;
