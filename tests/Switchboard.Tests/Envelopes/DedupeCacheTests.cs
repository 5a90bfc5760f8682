using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Tests.Envelopes;

public sealed class DedupeCacheTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    private static string Envelope(string data, string id = "id1", string type = "evt") =>
        $$"""{"id":"{{id}}","type":"{{type}}","ts":1712345678.5,"source":"s","data":{{data}}}""";

    private static string Key(string json)
    {
        Assert.True(DedupeCache.TryGetKey(Bytes(json), out var key));
        return key;
    }

    [Fact]
    public void Integer_seq_gives_a_seq_key()
    {
        Assert.Equal("evt|id1|seq=5", Key(Envelope("""{"seq":5,"x":1}""")));
        Assert.Equal("evt|id1|seq=-3", Key(Envelope("""{"x":1,"seq":-3}""")));
        Assert.Equal("evt|id1|seq=9007199254740993", Key(Envelope("""{"seq":9007199254740993}""")));
        // Different payload, same seq: the same message for dedupe purposes.
        Assert.Equal(Key(Envelope("""{"seq":5,"x":1}""")), Key(Envelope("""{"seq":5,"x":2}""")));
    }

    [Theory]
    [InlineData("""{"seq":5.5}""")]
    [InlineData("""{"seq":"5"}""")]
    [InlineData("""{"seq":null}""")]
    [InlineData("""{"seq":[5]}""")]
    [InlineData("""{"sequence":5}""")]
    [InlineData("""{}""")]
    public void Non_integer_seq_gives_a_hash_key(string data)
    {
        var key = Key(Envelope(data));
        Assert.StartsWith("evt|id1|hash=", key, StringComparison.Ordinal);
        Assert.DoesNotContain("seq=", key, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_ignores_key_order_and_whitespace()
    {
        var a = Key(Envelope("""{"a":1,"b":{"x":[1,2,{"p":null,"q":true}],"y":"é"},"c":"z"}"""));
        var b = Key(Envelope("""{ "c" : "z", "b": {"y": "\u00e9", "x": [1, 2, {"q": true, "p": null}]}, "a": 1 }"""));
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("""{"a":2,"b":1}""")]
    [InlineData("""{"a":1}""")]
    [InlineData("""{"a":1,"b":1,"c":1}""")]
    [InlineData("""{"a":"1","b":1}""")]
    [InlineData("""{"a":[1],"b":1}""")]
    [InlineData("""{"A":1,"b":1}""")]
    public void Hash_differs_for_different_data(string other) =>
        Assert.NotEqual(Key(Envelope("""{"a":1,"b":1}""")), Key(Envelope(other)));

    [Fact]
    public void Array_order_matters()
    {
        Assert.NotEqual(Key(Envelope("""{"a":[1,2]}""")), Key(Envelope("""{"a":[2,1]}""")));
    }

    [Fact]
    public void Type_and_id_are_part_of_the_key()
    {
        var data = """{"x":1}""";
        Assert.NotEqual(Key(Envelope(data, id: "id1")), Key(Envelope(data, id: "id2")));
        Assert.NotEqual(Key(Envelope(data, type: "t1")), Key(Envelope(data, type: "t2")));
        Assert.NotEqual(Key(Envelope("""{"seq":1}""", id: "id1")), Key(Envelope("""{"seq":1}""", id: "id2")));
    }

    [Fact]
    public void Top_level_key_order_does_not_change_the_key()
    {
        var python = """{"data": {"b": 2, "a": 1}, "ts": 1712345678, "source": "other", "type": "evt", "id": "id1"}""";
        Assert.Equal(Key(Envelope("""{"a":1,"b":2}""")), Key(python));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("ON")]
    [InlineData("42")]
    [InlineData("[1,2]")]
    [InlineData("""{"a":1}""")]
    [InlineData("""{"id":"x","type":"t","ts":1}""")]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s","data":[1]}""")]
    [InlineData("""{"id":"x","type":"t","ts":1,"source":"s","data":{"a":1}""")]
    [InlineData(""" {"id":"x","type":"t","ts":1,"source":"s","data":{"a":1}}""")]
    public void Non_envelopes_are_never_duplicates(string payload)
    {
        var cache = new DedupeCache(Ttl, 100, new FakeTimeProvider());
        Assert.False(DedupeCache.TryGetKey(Bytes(payload), out _));
        Assert.False(cache.IsDuplicate(Bytes(payload)));
        Assert.False(cache.IsDuplicate(Bytes(payload)));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Second_arrival_within_ttl_is_a_duplicate()
    {
        var cache = new DedupeCache(Ttl, 100, new FakeTimeProvider());
        var payload = Bytes(Envelope("""{"seq":1}"""));
        Assert.False(cache.IsDuplicate(payload));
        Assert.True(cache.IsDuplicate(payload));
        Assert.True(cache.IsDuplicate(payload));
        Assert.False(cache.IsDuplicate(Bytes(Envelope("""{"seq":2}"""))));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Same_data_in_another_key_order_is_a_duplicate()
    {
        var cache = new DedupeCache(Ttl, 100, new FakeTimeProvider());
        Assert.False(cache.IsDuplicate(Bytes(Envelope("""{"a":1,"b":2}"""))));
        Assert.True(cache.IsDuplicate(Bytes(Envelope("""{"b":2,"a":1}"""))));
        Assert.False(cache.IsDuplicate(Bytes(Envelope("""{"b":3,"a":1}"""))));
    }

    [Fact]
    public void Entries_expire_after_the_ttl()
    {
        var time = new FakeTimeProvider();
        var cache = new DedupeCache(Ttl, 100, time);
        Assert.False(cache.IsDuplicate("k"));

        time.Advance(Ttl + TimeSpan.FromMilliseconds(1));
        Assert.False(cache.IsDuplicate("k"));
        Assert.Equal(1, cache.Count);

        time.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        Assert.True(cache.IsDuplicate("k"));
    }

    [Fact]
    public void Expired_entries_are_removed_when_others_arrive()
    {
        var time = new FakeTimeProvider();
        var cache = new DedupeCache(Ttl, 100, time);
        cache.IsDuplicate("a");
        cache.IsDuplicate("b");
        time.Advance(Ttl + TimeSpan.FromSeconds(1));
        Assert.False(cache.IsDuplicate("c"));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Ttl_slides_while_the_key_keeps_arriving()
    {
        var time = new FakeTimeProvider();
        var cache = new DedupeCache(Ttl, 100, time);
        Assert.False(cache.IsDuplicate("k"));
        for (var i = 0; i < 5; i++)
        {
            time.Advance(Ttl * 0.8);
            Assert.True(cache.IsDuplicate("k"), $"arrival {i + 2} at {Ttl * 0.8 * (i + 1)} should still be remembered");
        }

        // 4x the TTL since first seen, but only 0.8x since last seen.
        time.Advance(Ttl + TimeSpan.FromMilliseconds(1));
        Assert.False(cache.IsDuplicate("k"));
    }

    [Fact]
    public void Max_entries_evicts_the_oldest()
    {
        var cache = new DedupeCache(Ttl, 3, new FakeTimeProvider());
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            Assert.False(cache.IsDuplicate(key));
        }

        Assert.Equal(3, cache.Count);
        Assert.True(cache.IsDuplicate("d"));
        Assert.True(cache.IsDuplicate("c"));
        Assert.True(cache.IsDuplicate("b"));
        Assert.False(cache.IsDuplicate("a")); // evicted; re-adding evicts the now-oldest, "d"
        Assert.Equal(3, cache.Count);
        Assert.False(cache.IsDuplicate("d"));
    }

    [Fact]
    public void A_refreshed_key_is_not_the_oldest_any_more()
    {
        var time = new FakeTimeProvider();
        var cache = new DedupeCache(Ttl, 2, time);
        cache.IsDuplicate("a");
        time.Advance(TimeSpan.FromSeconds(1));
        cache.IsDuplicate("b");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cache.IsDuplicate("a"));
        Assert.False(cache.IsDuplicate("c")); // evicts "b", not the refreshed "a"
        Assert.True(cache.IsDuplicate("a"));
        Assert.False(cache.IsDuplicate("b"));
    }

    [Fact]
    public void Forget_makes_the_next_arrival_new()
    {
        var cache = new DedupeCache(Ttl, 100, new FakeTimeProvider());
        var payload = Bytes(Envelope("""{"x":1}"""));
        Assert.False(cache.IsDuplicate(payload));
        cache.Forget(Key(Envelope("""{"x":1}""")));
        Assert.Equal(0, cache.Count);
        Assert.False(cache.IsDuplicate(payload));
        Assert.True(cache.IsDuplicate(payload));
        cache.Forget("never-seen");
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Is_thread_safe()
    {
        var cache = new DedupeCache(TimeSpan.FromMinutes(1), 100_000, TimeProvider.System);
        var firsts = 0;
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 2000; i++)
            {
                if (!cache.IsDuplicate($"k{i}"))
                {
                    Interlocked.Increment(ref firsts);
                }
            }
        });

        Assert.Equal(2000, firsts);
        Assert.Equal(2000, cache.Count);
    }
}
