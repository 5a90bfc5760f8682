using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Switchboard;

/// <summary>
/// Writes and reads the envelope wire format: compact JSON with the keys id, type, ts, source, data in that order
/// and nothing else. Reading accepts what Python produces: any key order, an integer ts, unicode, nulls in data.
/// </summary>
internal static class EnvelopeCodec
{
    /// <summary>Encodes an envelope. Throws <see cref="ArgumentException"/> when <paramref name="data"/> is not a JSON object.</summary>
    public static byte[] Encode<T>(string id, string type, double timestamp, string source, T data, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(id);
        return EncodeCore(id, type, timestamp, source, data, typeInfo);
    }

    /// <summary>Encodes an envelope under a fresh id (<see cref="EnvelopeIds"/>), written straight into the payload.</summary>
    public static byte[] EncodeWithNewId<T>(string type, double timestamp, string source, T data, JsonTypeInfo<T> typeInfo) =>
        EncodeCore(id: null, type, timestamp, source, data, typeInfo);

    private static byte[] EncodeCore<T>(string? id, string type, double timestamp, string source, T data, JsonTypeInfo<T> typeInfo)
    {
        var pooled = PooledJsonWriter.Rent();
        var buffer = pooled.Buffer;
        var writer = pooled.Writer;
        try
        {
            writer.WriteStartObject();
            if (id is null)
            {
                Span<byte> fresh = stackalloc byte[EnvelopeIds.Length];
                EnvelopeIds.Write(fresh);
                writer.WriteString("id"u8, fresh);
            }
            else
            {
                writer.WriteString("id"u8, id);
            }

            writer.WriteString("type"u8, type);
            writer.WritePropertyName("ts"u8);
            WriteTimestamp(writer, timestamp);
            writer.WriteString("source"u8, source);
            writer.WritePropertyName("data"u8);
            writer.Flush();
            var dataStart = buffer.WrittenCount;
            JsonSerializer.Serialize(writer, data, typeInfo);
            writer.Flush();
            if (buffer.WrittenCount == dataStart || buffer.WrittenSpan[dataStart] != (byte)'{')
            {
                throw new ArgumentException($"Envelope data must serialize to a JSON object, but {typeof(T).Name} serialized to '{Truncate(buffer.WrittenSpan[dataStart..])}'. Wrap the value in an object, e.g. new {{ value = … }}.", nameof(data));
            }

            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            // Also after a failed encode: Return resets the writer, whatever state the exception left it in.
            PooledJsonWriter.Return(pooled);
        }
    }

    /// <summary>Writes Unix seconds with microsecond precision and always with a fraction, like Python's float.</summary>
    public static void WriteTimestamp(Utf8JsonWriter writer, double timestamp)
    {
        if (!double.IsFinite(timestamp))
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, "An envelope timestamp must be a finite number of Unix seconds.");
        }

        var rounded = Math.Round(timestamp, 6);
        if (rounded == Math.Floor(rounded))
        {
            writer.WriteRawValue(rounded.ToString("0.0", CultureInfo.InvariantCulture), skipInputValidation: true);
        }
        else
        {
            writer.WriteNumberValue(rounded);
        }
    }

    /// <summary>Reads the envelope header and the raw bytes of <c>data</c>; false with a reason when the payload is not an
    /// envelope. Never throws, whatever the bytes.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> payload, out EnvelopeHeader header, out string? error)
    {
        header = default;
        error = null;
        string? id = null, type = null, source = null;
        double ts = 0;
        int dataStart = -1, dataLength = 0;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the payload is not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                var isType = !isId && reader.ValueTextEquals("type"u8);
                var isTs = !isId && !isType && reader.ValueTextEquals("ts"u8);
                var isSource = !isId && !isType && !isTs && reader.ValueTextEquals("source"u8);
                var isData = !isId && !isType && !isTs && !isSource && reader.ValueTextEquals("data"u8);
                reader.Read();
                if (isId)
                {
                    id = ReadString(ref reader, "id");
                }
                else if (isType)
                {
                    type = ReadString(ref reader, "type", RecentString.Type);
                }
                else if (isTs)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out ts) || !double.IsFinite(ts))
                    {
                        error = "'ts' is not a number";
                        return false;
                    }
                }
                else if (isSource)
                {
                    source = reader.TokenType == JsonTokenType.Null ? null : ReadString(ref reader, "source", RecentString.Source);
                }
                else if (isData)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        error = "'data' is not a JSON object";
                        return false;
                    }

                    dataStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    dataLength = (int)reader.BytesConsumed - dataStart;
                }
                else
                {
                    // Unknown keys are tolerated on receive (a newer sender may add one); we never write them.
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "the JSON object is not closed or is followed by more data";
                return false;
            }
        }
        catch (JsonException ex)
        {
            error = $"invalid JSON ({ex.Message})";
            return false;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return false;
        }
        catch (InvalidOperationException ex)
        {
            // Not expected past ReadString's own checks; whatever the reader refuses, the payload is malformed.
            error = $"unreadable JSON ({ex.Message})";
            return false;
        }

        if (id is null || type is null || dataStart < 0)
        {
            error = $"missing {(id is null ? "'id'" : type is null ? "'type'" : "'data'")}";
            return false;
        }

        header = new EnvelopeHeader(id, type, ts, source ?? string.Empty, dataStart, dataLength);
        return true;
    }

    /// <summary>Decodes an envelope with its data; false with a reason when it is malformed. Never throws, whatever the
    /// bytes: a payload that cannot be read is malformed, so its message is acknowledged rather than withheld.</summary>
    public static bool TryDecode<T>(ReadOnlyMemory<byte> payload, JsonTypeInfo<T> typeInfo, out Envelope<T>? envelope, out string? error)
    {
        envelope = null;
        if (!TryReadHeader(payload.Span, out var header, out error))
        {
            return false;
        }

        T? data;
        try
        {
            data = JsonSerializer.Deserialize(payload.Span.Slice(header.DataStart, header.DataLength), typeInfo);
        }
        catch (JsonException ex)
        {
            error = $"'data' does not fit {typeof(T).Name}: {ex.Message}";
            return false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Invalid UTF-8 or lone surrogates in a string the type reads, a type the options cannot read, or a
            // converter of the caller's that throws on this payload: it does not fit, so it is malformed, not a crash.
            error = $"'data' cannot be read as {typeof(T).Name}: {ex.Message}";
            return false;
        }

        if (data is null)
        {
            error = "'data' is null";
            return false;
        }

        envelope = new Envelope<T>(header.Id, header.Type, header.Timestamp, header.Source, data);
        return true;
    }

    /// <summary>The string value of a header field; <see cref="FormatException"/> when it is not a string or not text
    /// (invalid UTF-8, or an escaped lone surrogate), which the reader itself does not check until asked for the value.</summary>
    private static string ReadString(ref Utf8JsonReader reader, string name, RecentString? recent = null)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new FormatException($"'{name}' is not a string");
        }

        try
        {
            return recent is null ? reader.GetString()! : recent.Read(ref reader);
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException($"'{name}' is not valid UTF-8 text ({ex.Message})", ex);
        }
    }

    private static string Truncate(ReadOnlySpan<byte> json)
    {
        var text = System.Text.Encoding.UTF8.GetString(json[..Math.Min(json.Length, 40)]);
        return json.Length > 40 ? text + "…" : text;
    }
}

/// <summary>The envelope fields, and where <c>data</c> lies in the payload.</summary>
internal readonly record struct EnvelopeHeader(string Id, string Type, double Timestamp, string Source, int DataStart, int DataLength);
