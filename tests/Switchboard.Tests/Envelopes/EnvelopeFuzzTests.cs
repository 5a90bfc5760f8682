using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CsCheck;

namespace Switchboard.Tests.Envelopes;

/// <summary>
/// Whatever arrives on the wire, the envelope decoder and the dedupe key answer "envelope" or "malformed" and never
/// throw: a throw is taken for a failing handler, and with dedupe on it withholds the acknowledgement, so enough
/// such messages would fill the broker's receive window and stall the client.
/// </summary>
public sealed class EnvelopeFuzzTests
{
    private const string Valid = """{"id":"3f2a0000000000000000000000000001","type":"stt.final","ts":1712345678.123456,"source":"tars-stt","data":{"text":"hello","seq":7,"tags":["a","b"],"nested":{"k":"v"}}}""";

    // Not UTF-8: a stray continuation byte, 0xFF, an overlong encoding, a UTF-16 surrogate, a truncated sequence, a
    // code point past U+10FFFF; and, escaped, lone surrogates that no UTF-16 string can hold.
    private static readonly byte[][] InvalidUtf8 =
    [
        [0x80], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
        "\\uD800"u8.ToArray(), "\\uDC00x"u8.ToArray(), "\\uD800\\u0041"u8.ToArray(),
    ];

    // Places in Valid where bytes go inside a string: the id, type and source values, a data key, a data value.
    private static readonly string[] StringFields = ["\"3f2a", "\"stt.", "\"tars", "\"text\"", "\"hello", "\"nested\":{\"k", "\"v\""];

    private static readonly Gen<byte[]> GenInvalidString = Gen.Select<int, int, int, byte[]>(Gen.Int[0, StringFields.Length - 1], Gen.Int[0, InvalidUtf8.Length - 1], Gen.Int[1, 3], static (field, bad, repeat) =>
    {
        var text = Encoding.UTF8.GetBytes(Valid);
        var at = Valid.IndexOf(StringFields[field], StringComparison.Ordinal) + 2;
        var insert = Enumerable.Repeat(InvalidUtf8[bad], repeat).SelectMany(b => b).ToArray();
        return [.. text[..at], .. insert, .. text[at..]];
    });

    private static readonly Gen<byte[]> GenDeep = Gen.Select(Gen.Int[1, 300], Gen.Bool, static (depth, arrays) =>
    {
        var open = arrays ? "[" : "{\"a\":";
        var close = arrays ? "]" : "}";
        var data = "{\"x\":" + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + "}";
        return Encoding.UTF8.GetBytes(Valid.Replace("{\"text\":\"hello\",\"seq\":7,\"tags\":[\"a\",\"b\"],\"nested\":{\"k\":\"v\"}}", data, StringComparison.Ordinal));
    });

    private static readonly string[] HugeNumbers = ["1e400", "-1e400", "1e-400", "123456789012345678901234567890", new string('9', 600), "-0", "1.7976931348623157e309", "9223372036854775808"];

    private static readonly Gen<byte[]> GenHugeNumber = Gen.Select(Gen.Int[0, HugeNumbers.Length - 1], Gen.Int[0, 2], static (number, where) =>
    {
        var text = where switch
        {
            0 => Valid.Replace("1712345678.123456", HugeNumbers[number], StringComparison.Ordinal),
            1 => Valid.Replace("\"seq\":7", $"\"seq\":{HugeNumbers[number]}", StringComparison.Ordinal),
            _ => Valid.Replace("\"hello\"", HugeNumbers[number], StringComparison.Ordinal),
        };
        return Encoding.UTF8.GetBytes(text);
    });

    private static readonly Gen<byte[]> GenTruncated = Gen.Int[0, Valid.Length].Select(static n => Encoding.UTF8.GetBytes(Valid)[..n]);

    private static readonly Gen<byte[]> GenFlipped = Gen.Select(Gen.Int[0, Valid.Length - 1].Array[1, 4], Gen.Byte.Array[4], static (positions, values) =>
    {
        var bytes = Encoding.UTF8.GetBytes(Valid);
        for (var i = 0; i < positions.Length; i++)
        {
            bytes[positions[i]] = values[i];
        }

        return bytes;
    });

    private static readonly Gen<byte[]> GenRandom = Gen.OneOf(Gen.Byte.Array[0, 300], Gen.Byte.Array[0, 300].Select(static b => (byte[])[(byte)'{', .. b]));

    [Fact]
    public void Random_bytes_never_throw() =>
        GenRandom.Sample(static payload => AssertNeverThrows(payload), iter: 2000, threads: 1);

    [Fact]
    public void Mutated_envelopes_never_throw() =>
        Gen.OneOf(GenInvalidString, GenDeep, GenHugeNumber, GenTruncated, GenFlipped)
            .Sample(static payload => AssertNeverThrows(payload), iter: 3000, threads: 1, print: static p => Convert.ToHexString(p));

    [Theory]
    [InlineData("id")]
    [InlineData("type")]
    [InlineData("source")]
    public void Invalid_utf8_in_a_header_string_is_malformed_not_an_exception(string field)
    {
        var at = Valid.IndexOf($"\"{field}\":\"", StringComparison.Ordinal) + field.Length + 4;
        byte[] payload = [.. Encoding.UTF8.GetBytes(Valid[..at]), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(Valid[at..])];

        Assert.False(EnvelopeCodec.TryDecode(payload, Info<TextData>(), out var envelope, out var error));
        Assert.Null(envelope);
        Assert.Contains($"'{field}'", error, StringComparison.Ordinal);
        Assert.False(EnvelopeCodec.TryReadHeader(payload, out _, out _));
        Assert.False(DedupeCache.TryGetKey(payload, out _));
    }

    [Fact]
    public void Invalid_utf8_inside_data_is_malformed_for_a_typed_handler()
    {
        var at = Valid.IndexOf("\"hello", StringComparison.Ordinal) + 1;
        byte[] payload = [.. Encoding.UTF8.GetBytes(Valid[..at]), 0xC0, 0x80, .. Encoding.UTF8.GetBytes(Valid[at..])];

        Assert.False(EnvelopeCodec.TryDecode(payload, Info<TextData>(), out _, out var error));
        Assert.Contains("'data'", error, StringComparison.Ordinal);

        // The data is hashed as the bytes it is, so its dedupe key is still computed, and stable.
        Assert.True(DedupeCache.TryGetKey(payload, out var key));
        Assert.True(DedupeCache.TryGetKey(payload, out var again));
        Assert.Equal(key, again);
    }

    [Fact]
    public void An_escaped_lone_surrogate_in_the_id_is_malformed()
    {
        var payload = Encoding.UTF8.GetBytes(Valid.Replace("\"3f2a", "\"\\uD8003f2a", StringComparison.Ordinal));
        Assert.False(EnvelopeCodec.TryDecode(payload, Info<TextData>(), out _, out var error));
        Assert.Contains("'id'", error, StringComparison.Ordinal);
        Assert.False(DedupeCache.TryGetKey(payload, out _));
    }

    private static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)ClientSettings.DefaultJson.GetTypeInfo(typeof(T));

    private static void AssertNeverThrows(byte[] payload)
    {
        Check(payload, Info<TextData>());
        Check(payload, Info<SensorReading>());
        Check(payload, Info<JsonElement>());
        Check(payload, Info<Dictionary<string, object>>());
        if (EnvelopeCodec.TryReadHeader(payload, out var header, out var headerError))
        {
            Assert.InRange(header.DataStart + header.DataLength, 1, payload.Length);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(headerError));
        }

        if (DedupeCache.TryGetKey(payload, out var key))
        {
            Assert.False(string.IsNullOrEmpty(key));
        }
    }

    private static void Check<T>(byte[] payload, JsonTypeInfo<T> info)
    {
        if (EnvelopeCodec.TryDecode(payload, info, out var envelope, out var error))
        {
            Assert.NotNull(envelope);
        }
        else
        {
            Assert.Null(envelope);
            Assert.False(string.IsNullOrEmpty(error));
        }
    }
}
