using System.Text.Json.Serialization;

namespace Switchboard.Reliability;

/// <summary>The envelope data of a numbered stream message; <c>seq</c> also makes the dedupe key <c>type|id|seq=n</c>.</summary>
public sealed record SequenceData([property: JsonPropertyName("seq")] long Seq);

/// <summary>Source-generated JSON for the stream.</summary>
[JsonSerializable(typeof(SequenceData))]
public sealed partial class ReliabilityJson : JsonSerializerContext;
