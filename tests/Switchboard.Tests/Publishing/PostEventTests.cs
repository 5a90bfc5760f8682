using System.Text;
using System.Text.Json;
using Switchboard.Tests.Envelopes;

namespace Switchboard.Tests.Publishing;

/// <summary><c>PostEvent</c> on a client that never connects: it only queues, so what it accepts and allocates is exact.</summary>
public sealed class PostEventTests
{
    private static SwitchboardClient Client(int capacity = 10_000, OverflowPolicy policy = OverflowPolicy.Wait) => new(new SwitchboardOptions
    {
        Url = "mqtt://127.0.0.1:1",
        ClientId = "post-event-test",
        QueueCapacity = capacity,
        OverflowPolicy = policy,
        EnableHealth = false,
    });

    [Fact]
    public async Task Queues_and_counts_like_Post()
    {
        await using var client = Client(capacity: 2, policy: OverflowPolicy.DropNewest);
        Assert.True(client.PostEvent("a/b", "t.one", new TextData("x"), TestJsonContext.Default.TextData));
        Assert.True(client.PostEvent("a/b", "t.two", new TextData("y"), TestJsonContext.Default.TextData, Qos.AtMostOnce));
        Assert.False(client.PostEvent("a/b", "t.three", new TextData("z"), TestJsonContext.Default.TextData));

        var stats = client.GetStats();
        Assert.Equal(2, stats.Queued);
        Assert.Equal(1, stats.Dropped);
    }

    [Fact]
    public async Task Bad_input_throws_and_queues_nothing()
    {
        await using var client = Client();
        Assert.ThrowsAny<ArgumentException>(() => client.PostEvent("a/+", "t", new TextData("x"), TestJsonContext.Default.TextData));
        Assert.ThrowsAny<ArgumentException>(() => client.PostEvent("a/b", " ", new TextData("x"), TestJsonContext.Default.TextData));
        Assert.ThrowsAny<ArgumentException>(() => client.PostEvent("a/b", "t", new TextData("x"), TestJsonContext.Default.TextData, (Qos)3));
        var notAnObject = Assert.Throws<ArgumentException>(() => client.PostEvent("a/b", "t", 42));
        Assert.Contains("JSON object", notAnObject.Message);
        Assert.Equal(0, client.GetStats().Queued);
    }

    [Fact]
    public async Task Allocates_only_the_payload_and_its_queue_entry()
    {
        await using var client = Client();
        var data = new TextData("hello");
        var info = TestJsonContext.Default.TextData;

        // Warm up: JIT tiers, the thread's pooled writer, and the queue's ring grown past what is measured below
        // (3,000 + 1,000 messages fit in a ring of 4,096, so the measured calls never grow it).
        for (var i = 0; i < 3_000; i++)
        {
            Assert.True(client.PostEvent("sensors/t1", "sensor.reading", data, info));
        }

        // What one call must allocate, measured the same way: the exact-size payload and the queue entry.
        var payloadLength = EnvelopeCodec.EncodeWithNewId("sensor.reading", 1_712_345_678.123456, client.SourceName, data, info).Length;
        var expected = Allocated(() => _ = new byte[payloadLength]) + Allocated(() => _ = new OutgoingMessage("sensors/t1", new byte[1], Qos.AtLeastOnce, retain: false, awaited: false) { ContentType = "application/json", Durable = true }) - Allocated(() => _ = new byte[1]);

        const int calls = 1_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            client.PostEvent("sensors/t1", "sensor.reading", data, info);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;

        // The timestamp's digits vary by a byte or two, which can move the payload array by one 8-byte step.
        Assert.InRange(perCall, 0, expected + 8);
    }

    [Fact]
    public void Encoding_twice_on_one_thread_gives_independent_correct_payloads()
    {
        var info = TestJsonContext.Default.TextData;
        var first = EnvelopeCodec.Encode("3f2a0000000000000000000000000001", "t.one", 1.5, "svc", new TextData("a"), info);
        var second = EnvelopeCodec.Encode("3f2a0000000000000000000000000002", "t.two", 2.5, "svc", new TextData("bb"), info);
        Assert.Equal("""{"id":"3f2a0000000000000000000000000001","type":"t.one","ts":1.5,"source":"svc","data":{"text":"a"}}""", Encoding.UTF8.GetString(first));
        Assert.Equal("""{"id":"3f2a0000000000000000000000000002","type":"t.two","ts":2.5,"source":"svc","data":{"text":"bb"}}""", Encoding.UTF8.GetString(second));
    }

    [Fact]
    public void A_failed_encode_leaves_the_pooled_writer_usable()
    {
        var ints = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<int>)JsonSerializerOptions.Default.GetTypeInfo(typeof(int));
        Assert.Throws<ArgumentException>(() => EnvelopeCodec.Encode("3f2a0000000000000000000000000001", "t", 1.5, "svc", 7, ints));
        var ok = EnvelopeCodec.Encode("3f2a0000000000000000000000000003", "t", 1.5, "svc", new TextData("c"), TestJsonContext.Default.TextData);
        Assert.Equal("""{"id":"3f2a0000000000000000000000000003","type":"t","ts":1.5,"source":"svc","data":{"text":"c"}}""", Encoding.UTF8.GetString(ok));
    }

    [Fact]
    public void A_fresh_id_is_32_lowercase_hex_characters_and_new_each_time()
    {
        var info = TestJsonContext.Default.TextData;
        var ids = Enumerable.Range(0, 100).Select(_ =>
        {
            using var json = JsonDocument.Parse(EnvelopeCodec.EncodeWithNewId("t", 1.5, "svc", new TextData("x"), info));
            return json.RootElement.GetProperty("id").GetString()!;
        }).ToList();
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    private static long Allocated(Action allocate)
    {
        allocate(); // JIT first, so only the object itself is counted
        var before = GC.GetAllocatedBytesForCurrentThread();
        allocate();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
