using System.Text;
using BenchmarkDotNet.Attributes;

namespace Switchboard.Micro;

/// <summary>DedupeCache.IsDuplicate: fresh keys (insert + evict past 10k), a repeated key (hit), a data-hash key.</summary>
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
