using System.Text.Json.Serialization;

namespace Switchboard.Micro;

/// <summary>The envelope data used by the codec and dedupe benchmarks: <c>{"seq":n,"t":ticks}</c>.</summary>
public sealed record EventData(long Seq, long T);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EventData))]
internal sealed partial class MicroJson : JsonSerializerContext;
