using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard.Fuzz.Targets;

/// <summary>
/// The envelope decoder, with the whole input as an MQTT payload: the header reader, decoding into a
/// <see cref="JsonElement"/> and into a typed record, and a round trip of whatever decoded.
/// </summary>
/// <remarks>
/// <see cref="EnvelopeCodec.TryReadHeader"/> and <see cref="EnvelopeCodec.TryDecode"/> document that they never throw:
/// a payload that is not an envelope is a false with a reason. So here any exception is a finding, and so is an
/// envelope that decodes but does not decode again, with the same fields, after <see cref="EnvelopeCodec.Encode"/>.
/// </remarks>
internal static class EnvelopeTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        var payload = input.ToArray();
        if (EnvelopeCodec.TryReadHeader(payload, out var header, out var error) == (error is not null))
        {
            throw new FuzzFindingException($"TryReadHeader's answer and its error '{error}' disagree.");
        }

        if (error is null && (header.DataStart < 0 || header.DataLength < 0 || header.DataStart + header.DataLength > payload.Length))
        {
            throw new FuzzFindingException($"'data' at {header.DataStart}+{header.DataLength} lies outside the {payload.Length}-byte payload.");
        }

        _ = EnvelopeCodec.TryDecode(payload, FuzzJsonContext.Default.SensorReading, out _, out _);
        if (!EnvelopeCodec.TryDecode(payload, FuzzJsonContext.Default.JsonElement, out var envelope, out _)
            || envelope!.Data.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var encoded = EnvelopeCodec.Encode(envelope.Id, envelope.Type, envelope.Timestamp, envelope.Source, envelope.Data, FuzzJsonContext.Default.JsonElement);
        if (!EnvelopeCodec.TryDecode(encoded, FuzzJsonContext.Default.JsonElement, out var again, out error))
        {
            throw new FuzzFindingException($"A decoded envelope does not decode after re-encoding: {error}");
        }

        if (again!.Id != envelope.Id || again.Type != envelope.Type || again.Source != envelope.Source
            || Math.Abs(again.Timestamp - envelope.Timestamp) > 1e-6 * Math.Max(1, Math.Abs(envelope.Timestamp)))
        {
            throw new FuzzFindingException("A re-encoded envelope decodes to other header fields.");
        }
    }
}

/// <summary>What a Python sensor service puts in <c>data</c>, to drive the typed decoding path.</summary>
internal sealed record SensorReading(double? Value, string? Unit, long Sequence, Dictionary<string, string>? Tags, List<double>? Samples);

/// <summary>Source-generated metadata for the envelope target's data types.</summary>
[JsonSerializable(typeof(SensorReading))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class FuzzJsonContext : JsonSerializerContext;
