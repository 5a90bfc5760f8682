using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard;

/// <summary>Writes Unix seconds as Python does (always with a fraction); reads integers and floats.</summary>
public sealed class UnixTimestampConverter : JsonConverter<double>
{
    /// <inheritdoc/>
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => EnvelopeCodec.WriteTimestamp(writer, value);
}
