using System.Text;
using BenchmarkDotNet.Attributes;

namespace Switchboard.Micro;

/// <summary>EnvelopeCodec encode and decode of a small {"seq","t"} event.</summary>
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    private readonly EventData _data = new(123_456, 638_000_000_000_000_000);
    private ReadOnlyMemory<byte> _encoded;
    private ReadOnlyMemory<byte> _python;

    [GlobalSetup]
    public void Setup()
    {
        _encoded = Encode();
        // What a Python service writes: other key order, integer ts, spaces.
        _python = Encoding.UTF8.GetBytes("{\"data\": {\"t\": 1, \"seq\": 7}, \"ts\": 1712345678, \"type\": \"bench.event\", \"id\": \"3f2a0c1e9b7d4a6f8e5c2b1a0d9e8f7c\", \"source\": \"py\"}");
    }

    [Benchmark]
    public byte[] Encode() =>
        EnvelopeCodec.Encode("3f2a0c1e9b7d4a6f8e5c2b1a0d9e8f7c", "bench.event", 1_712_345_678.123456, "bench", _data, MicroJson.Default.EventData);

    /// <summary>The <c>PostEvent</c> path: a fresh id written straight into the payload (no id string).</summary>
    [Benchmark]
    public byte[] EncodeWithNewId() =>
        EnvelopeCodec.EncodeWithNewId("bench.event", 1_712_345_678.123456, "bench", _data, MicroJson.Default.EventData);

    [Benchmark]
    public long Decode() =>
        EnvelopeCodec.TryDecode(_encoded, MicroJson.Default.EventData, out var envelope, out _) ? envelope!.Data.Seq : -1;

    [Benchmark]
    public long DecodePython() =>
        EnvelopeCodec.TryDecode(_python, MicroJson.Default.EventData, out var envelope, out _) ? envelope!.Data.Seq : -1;
}
