using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>Heartbeat, dedupe, stats and the meter against a real broker.</summary>
public sealed class DiagnosticsBehaviourTests
{
    public sealed record Reading(int Seq, double Value);

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Heartbeats_arrive_on_the_keepalive_topic(string brokerName)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var observer = await TestClients.ConnectAsync(broker);
        var beats = new ConcurrentQueue<JsonElement>();
        await using var sub = await observer.SubscribeAsync("system/keepalive/+", (m, _) =>
        {
            beats.Enqueue(JsonDocument.Parse(m.Payload).RootElement.Clone());
            return ValueTask.CompletedTask;
        }, Qos.AtMostOnce);
        await using var service = await TestClients.ConnectAsync(broker, "beating", o =>
        {
            o.EnableHeartbeat = true;
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        });

        await Eventually.WaitAsync(() => beats.Count >= 3, "three heartbeats arrived");
        var beat = beats.First();
        Assert.True(beat.GetProperty("ok").GetBoolean());
        Assert.Equal("heartbeat", beat.GetProperty("event").GetString());
        Assert.Contains(".", beat.GetProperty("timestamp").GetRawText());
        Assert.Equal(3, beat.EnumerateObject().Count());
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Dedupe_suppresses_a_repeated_envelope_but_not_a_new_one(string brokerName)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var receiver = await TestClients.ConnectAsync(broker, configure: o => o.DedupeTtl = TimeSpan.FromMinutes(1));
        var seen = new ConcurrentQueue<int>();
        await using var sub = await receiver.SubscribeEventsAsync<Reading>("sensor/+", (e, _) =>
        {
            seen.Enqueue(e.Data.Seq);
            return ValueTask.CompletedTask;
        });
        await using var sender = await TestClients.ConnectAsync(broker);

        await sender.PublishEventAsync("sensor/t", "sensor.reading", new Reading(1, 20.5), correlationId: "aaaabbbbccccddddeeeeffff00001111");
        await sender.PublishEventAsync("sensor/t", "sensor.reading", new Reading(1, 20.5), correlationId: "aaaabbbbccccddddeeeeffff00001111");
        await sender.PublishEventAsync("sensor/t", "sensor.reading", new Reading(2, 20.6), correlationId: "aaaabbbbccccddddeeeeffff00001111");
        await sender.PublishAsync("sensor/t", "not an envelope");
        await sender.PublishAsync("sensor/t", "not an envelope");

        await Eventually.WaitAsync(() => receiver.GetStats().Received == 5, "all five messages arrived");
        await Eventually.WaitAsync(() => seen.Count == 2 && receiver.GetStats().MalformedEnvelopes == 2, "the two distinct envelopes were handled and the two plain payloads counted");
        Assert.Equal([1, 2], seen);
        Assert.Equal(1, receiver.GetStats().DuplicatesDropped);
        Assert.Equal(2, receiver.GetStats().MalformedEnvelopes);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Stats_and_the_meter_count_what_happened(string brokerName)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        var measurements = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Every client has its own meter, tagged with its client id.
            if (instrument.Meter.Name == "Switchboard" && instrument.Meter.Tags?.Any(t => t.Key == "switchboard.client_id" && (string?)t.Value == "metered") == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements[instrument.Name] = value);
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => measurements[instrument.Name] = value);
        listener.Start();

        await using var client = await TestClients.ConnectAsync(broker, "metered");
        var collector = new MessageCollector();
        await using var sub = await client.SubscribeAsync("metered/+", collector.Handler);
        for (var i = 0; i < 10; i++)
        {
            await client.PublishAsync($"metered/{i}", "x");
        }

        await collector.WaitForAsync(10);
        var stats = client.GetStats();
        Assert.Equal(10, stats.Published);
        Assert.Equal(10, stats.Received);
        Assert.Equal(0, stats.Queued);
        Assert.Equal(0, stats.Dropped);
        Assert.Equal(ConnectionState.Connected, stats.State);

        listener.RecordObservableInstruments();
        Assert.Equal(10, measurements["switchboard.messages.published"]);
        Assert.Equal(10, measurements["switchboard.messages.received"]);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_full_queue_drops_by_policy_and_counts_every_drop(string brokerName)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var client = await TestClients.ConnectAsync(broker, configure: o =>
        {
            o.QueueCapacity = 3;
            o.OverflowPolicy = OverflowPolicy.DropOldest;
        });
        await broker.StopAsync();
        await Eventually.WaitAsync(() => client.State == ConnectionState.Reconnecting, "the client noticed the broker is gone");

        var first = client.PublishAsync("drop/1", "1");
        for (var i = 2; i <= 5; i++)
        {
            Assert.True(client.Post($"drop/{i}", "x", Qos.AtLeastOnce));
        }

        var dropped = await Assert.ThrowsAsync<MessageDroppedException>(() => first);
        Assert.Equal(OverflowPolicy.DropOldest, dropped.Policy);
        Assert.Equal(2, client.GetStats().Dropped);
        Assert.Equal(3, client.GetStats().Queued);
    }
}
