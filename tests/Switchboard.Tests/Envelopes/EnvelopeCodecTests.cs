using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Switchboard.Tests.Envelopes;

public sealed record TextData(string Text);

public sealed record SensorReading(string DeviceId, double TemperatureC, int? Seq, string? Note, List<string> Tags);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SensorReading))]
[JsonSerializable(typeof(TextData))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

public sealed partial class EnvelopeCodecTests
{
    private const string Id = "3f2a0000000000000000000000000001";

    private static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)ClientSettings.DefaultJson.GetTypeInfo(typeof(T));

    private static string Encode<T>(T data, double ts = 1712345678.123456, string type = "stt.final", string source = "tars-stt") =>
        Encoding.UTF8.GetString(EnvelopeCodec.Encode(Id, type, ts, source, data, Info<T>()));

    private static Envelope<T> Decode<T>(string json, JsonTypeInfo<T>? info = null)
    {
        var ok = EnvelopeCodec.TryDecode(Encoding.UTF8.GetBytes(json), info ?? Info<T>(), out var envelope, out var error);
        Assert.True(ok, error);
        Assert.Null(error);
        return envelope!;
    }

    private static string DecodeFails<T>(string json)
    {
        var ok = EnvelopeCodec.TryDecode(Encoding.UTF8.GetBytes(json), Info<T>(), out var envelope, out var error);
        Assert.False(ok);
        Assert.Null(envelope);
        Assert.False(string.IsNullOrWhiteSpace(error));
        return error!;
    }

    [Fact]
    public void Encodes_exact_compact_bytes_in_key_order()
    {
        Assert.Equal(
            """{"id":"3f2a0000000000000000000000000001","type":"stt.final","ts":1712345678.123456,"source":"tars-stt","data":{"text":"hello"}}""",
            Encode(new TextData("hello")));
    }

    [Theory]
    [InlineData(1712345678.0, "1712345678.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(1712345678.123456, "1712345678.123456")]
    [InlineData(1712345678.5, "1712345678.5")]
    [InlineData(1712345678.1234567, "1712345678.123457")]
    [InlineData(1712345678.0000004, "1712345678.0")]
    public void Timestamps_always_have_a_fraction(double ts, string expected)
    {
        var json = Encode(new TextData("x"), ts);
        Assert.Contains($"\"ts\":{expected},", json, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json); // still valid JSON
        Assert.Equal(JsonValueKind.Number, doc.RootElement.GetProperty("ts").ValueKind);
    }

    [Fact]
    public void Encodes_nested_and_unicode_data_as_valid_json()
    {
        var reading = new SensorReading("t1", 21.5, 7, null, ["a", "ü", "😀"]);
        var json = Encode(reading);
        Assert.StartsWith("""{"id":"3f2a0000000000000000000000000001","type":"stt.final","ts":1712345678.123456,"source":"tars-stt","data":{""", json, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(["id", "type", "ts", "source", "data"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        var data = doc.RootElement.GetProperty("data");
        Assert.Equal("t1", data.GetProperty("device_id").GetString());
        Assert.Equal(21.5, data.GetProperty("temperature_c").GetDouble());
        Assert.Equal("😀", data.GetProperty("tags")[2].GetString());
        Assert.DoesNotContain(" ", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_that_is_not_an_object_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Encode(42));
        Assert.Throws<ArgumentException>(() => Encode("text"));
        Assert.Throws<ArgumentException>(() => Encode(new[] { 1, 2, 3 }));
        Assert.Throws<ArgumentException>(() => Encode(new List<string> { "a" }));
        Assert.Throws<ArgumentException>(() => Encode<TextData?>(null));
        var ex = Assert.Throws<ArgumentException>(() => Encode(true));
        Assert.Equal("data", ex.ParamName);
    }

    [Fact]
    public void Dictionary_data_is_an_object()
    {
        var json = Encode(new Dictionary<string, object?> { ["b"] = 1, ["a"] = null });
        Assert.EndsWith("""
            "data":{"b":1,"a":null}}
            """, json, StringComparison.Ordinal);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex HexId();

    [Fact]
    public void Ids_are_32_lowercase_hex_and_unique()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => EnvelopeIds.New()).ToList();
        Assert.All(ids, id => Assert.Matches(HexId(), id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Ids_are_version_4_uuids_whether_made_as_strings_or_written_as_utf8()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => EnvelopeIds.New()).ToList();
        var buffer = new byte[EnvelopeIds.Length];
        for (var i = 0; i < 100; i++)
        {
            EnvelopeIds.Write(buffer);
            ids.Add(Encoding.UTF8.GetString(buffer));
        }

        // Python's uuid.UUID(hex) accepts them and reports version 4: digit 12 is '4', digit 16 one of 8, 9, a, b.
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$", id));
        Assert.All(ids, id => Assert.Equal(4, Guid.ParseExact(id, "N").Version));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Decodes_python_json_in_any_key_order_with_integer_ts()
    {
        // json.dumps(..., ensure_ascii=True) with default separators, keys in another order.
        const string python = """{"data": {"text": "h\u00e9llo \ud83d\ude00 \u4f60\u597d"}, "source": "tars-stt", "ts": 1712345678, "type": "stt.final", "id": "abc123"}""";
        var envelope = Decode<TextData>(python);
        Assert.Equal("abc123", envelope.Id);
        Assert.Equal("stt.final", envelope.Type);
        Assert.Equal("tars-stt", envelope.Source);
        Assert.Equal(1712345678.0, envelope.Timestamp);
        Assert.Equal("héllo 😀 你好", envelope.Data.Text);
    }

    [Fact]
    public void Decodes_raw_unicode_nulls_and_unknown_top_level_keys()
    {
        const string python = """{"id": "x", "type": "sensor.reading", "ts": 1712345678.25, "source": "py", "version": 2, "meta": {"k": [1, 2]}, "data": {"device_id": "t1", "temperature_c": -3.5, "seq": null, "note": null, "tags": ["日本", "😀", "é"], "extra_field": null}}""";
        var envelope = Decode<SensorReading>(python);
        Assert.Equal(1712345678.25, envelope.Timestamp);
        Assert.Equal("t1", envelope.Data.DeviceId);
        Assert.Equal(-3.5, envelope.Data.TemperatureC);
        Assert.Null(envelope.Data.Seq);
        Assert.Null(envelope.Data.Note);
        Assert.Equal(["日本", "😀", "é"], envelope.Data.Tags);
    }

    [Fact]
    public void Null_source_reads_as_empty()
    {
        var envelope = Decode<TextData>("""{"id":"x","type":"t","ts":1,"source":null,"data":{"text":"a"}}""");
        Assert.Equal(string.Empty, envelope.Source);
    }

    [Fact]
    public void Trailing_whitespace_is_fine() =>
        Assert.Equal("a", Decode<TextData>("{\"id\":\"x\",\"type\":\"t\",\"ts\":1.5,\"source\":\"s\",\"data\":{\"text\":\"a\"}}\n  ").Data.Text);

    [Theory]
    [InlineData("""{"type":"t","ts":1,"source":"s","data":{}}""", "'id'")]
    [InlineData("""{"id":"x","ts":1,"source":"s","data":{}}""", "'type'")]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s"}""", "'data'")]
    public void Missing_required_keys_fail_with_a_reason(string json, string missing)
    {
        var error = DecodeFails<TextData>(json);
        Assert.Contains("missing", error, StringComparison.Ordinal);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s","data":[1,2]}""")]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s","data":"text"}""")]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s","data":5}""")]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s","data":null}""")]
    public void Data_that_is_not_an_object_fails(string json) =>
        Assert.Contains("'data'", DecodeFails<TextData>(json), StringComparison.Ordinal);

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("42")]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s","data":{"text":"a"}""")]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s","data":{"text":"a"},}""")]
    [InlineData("""{"id":"x","type":"t","ts":"yesterday","source":"s","data":{"text":"a"}}""")]
    [InlineData("""{"id":5,"type":"t","ts":1,"source":"s","data":{"text":"a"}}""")]
    [InlineData("""{"id":"x","type":null,"ts":1,"source":"s","data":{"text":"a"}}""")]
    public void Invalid_json_or_wrong_types_fail(string json) => DecodeFails<TextData>(json);

    [Theory]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s","data":{"text":"a"}}garbage""")]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s","data":{"text":"a"}} {}""")]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s","data":{"text":"a"}}}""")]
    public void Trailing_garbage_fails(string json) => DecodeFails<TextData>(json);

    [Fact]
    public void Data_that_does_not_fit_the_type_fails_with_a_reason()
    {
        var error = DecodeFails<SensorReading>("""{"id":"x","type":"t","ts":1,"source":"s","data":{"device_id":"a","temperature_c":"warm","tags":[]}}""");
        Assert.Contains(nameof(SensorReading), error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadHeader_locates_data()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"ts":2,"data":{"a":[1,{"b":2}]},"id":"i","type":"t","source":"s"}""");
        Assert.True(EnvelopeCodec.TryReadHeader(bytes, out var header, out var error), error);
        Assert.Equal("i", header.Id);
        Assert.Equal("t", header.Type);
        Assert.Equal("s", header.Source);
        Assert.Equal(2.0, header.Timestamp);
        Assert.Equal("""{"a":[1,{"b":2}]}""", Encoding.UTF8.GetString(bytes, header.DataStart, header.DataLength));
    }

    [Fact]
    public void Round_trips_snake_case_record_with_default_json()
    {
        var reading = new SensorReading("kitchen-t1", 21.25, 42, "ünïcödé ✓", ["x", "y"]);
        var bytes = EnvelopeCodec.Encode(Id, "sensor.reading", 1712345678.5, "svc", reading, Info<SensorReading>());
        Assert.Contains("\"device_id\":\"kitchen-t1\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Contains("\"temperature_c\":21.25", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);

        Assert.True(EnvelopeCodec.TryDecode(bytes, Info<SensorReading>(), out var envelope, out var error), error);
        Assert.Equal(Id, envelope!.Id);
        Assert.Equal("sensor.reading", envelope.Type);
        Assert.Equal(1712345678.5, envelope.Timestamp);
        Assert.Equal("svc", envelope.Source);
        Assert.Equal(reading.DeviceId, envelope.Data.DeviceId);
        Assert.Equal(reading.TemperatureC, envelope.Data.TemperatureC);
        Assert.Equal(reading.Seq, envelope.Data.Seq);
        Assert.Equal(reading.Note, envelope.Data.Note);
        Assert.Equal(reading.Tags, envelope.Data.Tags);
    }

    [Fact]
    public void Round_trips_with_a_source_generated_context()
    {
        var reading = new SensorReading("t2", -0.5, null, null, []);
        var bytes = EnvelopeCodec.Encode(Id, "sensor.reading", 1.0, "svc", reading, TestJsonContext.Default.SensorReading);
        var json = Encoding.UTF8.GetString(bytes);
        Assert.Equal(
            """{"id":"3f2a0000000000000000000000000001","type":"sensor.reading","ts":1.0,"source":"svc","data":{"device_id":"t2","temperature_c":-0.5,"seq":null,"note":null,"tags":[]}}""",
            json);

        var envelope = Decode(json, TestJsonContext.Default.SensorReading);
        Assert.Equal("t2", envelope.Data.DeviceId);
        Assert.Equal(-0.5, envelope.Data.TemperatureC);
        Assert.Null(envelope.Data.Seq);
        Assert.Empty(envelope.Data.Tags);

        // The same bytes decode with the reflection-based default too: the two agree on the wire.
        Assert.Equal("t2", Decode<SensorReading>(json).Data.DeviceId);
    }
}
