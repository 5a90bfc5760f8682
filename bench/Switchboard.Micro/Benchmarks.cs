using System.Text;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;

namespace Switchboard.Micro;

public sealed record EventData(long Seq, long T);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EventData))]
internal sealed partial class MicroJson : JsonSerializerContext;

/// <summary>TopicTrie.Match with 10 / 1k / 10k filters: a mix of exact filters, '+' and '#' wildcards.</summary>
[MemoryDiagnoser]
public class TopicMatchBenchmarks
{
    private readonly List<object> _results = new(16);
    private TopicTrie<object> _trie = null!;

    [Params(10, 1_000, 10_000)]
    public int Filters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _trie = new TopicTrie<object>();
        for (var i = 0; i < Filters; i++)
        {
            var filter = (i % 10) switch
            {
                0 => $"home/room{i}/+/state",
                1 => $"home/room{i}/#",
                2 => $"zigbee2mqtt/device{i}",
                3 => $"+/room{i}/light/set",
                _ => $"home/room{i}/sensor{i % 7}/temperature",
            };
            _trie.Add(filter, new object());
        }

        _trie.Add("home/#", new object());
        _trie.Add("home/+/sensor3/temperature", new object());
    }

    /// <summary>A topic that matches a handful of filters (exact + '+' + '#').</summary>
    [Benchmark]
    public int MatchHit()
    {
        _results.Clear();
        _trie.Match("home/room5/sensor5/temperature", _results);
        return _results.Count;
    }

    /// <summary>A topic that matches nothing.</summary>
    [Benchmark]
    public int MatchMiss()
    {
        _results.Clear();
        _trie.Match("office/floor2/printer/status", _results);
        return _results.Count;
    }
}

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

    [Benchmark]
    public long Decode() =>
        EnvelopeCodec.TryDecode(_encoded, MicroJson.Default.EventData, out var envelope, out _) ? envelope!.Data.Seq : -1;

    [Benchmark]
    public long DecodePython() =>
        EnvelopeCodec.TryDecode(_python, MicroJson.Default.EventData, out var envelope, out _) ? envelope!.Data.Seq : -1;
}

/// <summary>DedupeCache.IsDuplicate: fresh keys (insert + evict past 10k) and a repeated key (hit).</summary>
[MemoryDiagnoser]
public class DedupeBenchmarks
{
    private const int Distinct = 50_000;
    private byte[][] _payloads = null!;
    private DedupeCache _cache = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _payloads = new byte[Distinct][];
        for (var i = 0; i < Distinct; i++)
        {
            _payloads[i] = Encoding.UTF8.GetBytes($"{{\"id\":\"{i:x32}\",\"type\":\"bench.event\",\"ts\":1712345678.1,\"source\":\"b\",\"data\":{{\"seq\":{i},\"t\":1}}}}");
        }

        _cache = new DedupeCache(TimeSpan.FromMinutes(10), 10_000, TimeProvider.System);
    }

    /// <summary>Every call a key not seen recently: parse, insert, evict the oldest.</summary>
    [Benchmark]
    public bool FreshKey()
    {
        var payload = _payloads[_next];
        _next = (_next + 1) % Distinct;
        return _cache.IsDuplicate(payload);
    }

    /// <summary>The same envelope again: parse + lookup.</summary>
    [Benchmark]
    public bool RepeatedKey() => _cache.IsDuplicate(_payloads[0]);

    /// <summary>Envelope keyed by a hash of data (no integer seq).</summary>
    [Benchmark]
    public bool HashKey() => _cache.IsDuplicate("{\"id\":\"00000000000000000000000000000001\",\"type\":\"t\",\"ts\":1,\"source\":\"s\",\"data\":{\"b\":[1,2,3],\"a\":\"x\"}}"u8);
}

/// <summary>OutgoingQueue enqueue + dequeue of Post-style messages, 100 per operation.</summary>
[MemoryDiagnoser]
public class QueueBenchmarks
{
    private const int Batch = 100;
    private readonly byte[] _payload = new byte[64];
    private OutgoingQueue _queue = null!;

    [GlobalSetup]
    public void Setup() => _queue = new OutgoingQueue(10_000, OverflowPolicy.Wait, static _ => { });

    [Benchmark(OperationsPerInvoke = Batch)]
    public int EnqueueDequeue()
    {
        for (var i = 0; i < Batch; i++)
        {
            _queue.TryEnqueue(new OutgoingMessage("sensors/t1", _payload, Qos.AtLeastOnce, retain: false, awaited: false));
        }

        var n = 0;
        while (_queue.TryDequeue(out _))
        {
            n++;
        }

        return n;
    }
}
