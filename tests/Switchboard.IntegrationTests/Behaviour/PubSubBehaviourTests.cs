using System.Text;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>Publish/subscribe basics against each real broker, over each of its transports.</summary>
public sealed class PubSubBehaviourTests
{
    public static TheoryData<string, Transport, int> BrokersAndQos()
    {
        var data = new TheoryData<string, Transport, int>();
        foreach (var (broker, transport) in TestBrokers.TransportPairs)
        {
            for (var qos = 0; qos <= 2; qos++)
            {
                data.Add(broker, transport, qos);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BrokersAndQos))]
    public async Task Publishes_and_receives_at_every_qos(string brokerName, Transport transport, int qos)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var subscriber = await TestClients.ConnectAsync(broker, transport);
        await using var publisher = await TestClients.ConnectAsync(broker, transport);
        var collector = new MessageCollector();
        await using var sub = await subscriber.SubscribeAsync("qos/test/#", collector.Handler, (Qos)qos);

        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishAsync($"qos/test/{i % 3}", $"m{i}", (Qos)qos).WithTimeout("the publish to complete");
        }

        await collector.WaitForAsync(20);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), collector.Messages.Select(m => m.PayloadAsString()));
        Assert.All(collector.Messages, m => Assert.Equal((Qos)qos, m.Qos));
        Assert.Equal(20, publisher.GetStats().Published);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task Retained_message_reaches_a_late_subscriber(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var publisher = await TestClients.ConnectAsync(broker, transport);
        await publisher.PublishAsync("retained/lamp", "ON", Qos.AtLeastOnce, retain: true);

        await using var late = await TestClients.ConnectAsync(broker, transport);
        var collector = new MessageCollector();
        await using var sub = await late.SubscribeAsync("retained/+", collector.Handler);
        await collector.WaitForAsync(1);
        var message = Assert.Single(collector.Messages);
        Assert.Equal("retained/lamp", message.Topic);
        Assert.True(message.Retain);
        Assert.Equal("ON", message.PayloadAsString());
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task Several_handlers_share_a_filter_and_the_last_one_leaving_unsubscribes(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var client = await TestClients.ConnectAsync(broker, transport);
        await using var publisher = await TestClients.ConnectAsync(broker, transport);
        var first = new MessageCollector();
        var second = new MessageCollector();
        var sub1 = await client.SubscribeAsync("shared/filter", first.Handler);
        var sub2 = await client.SubscribeAsync("shared/filter", second.Handler);

        await publisher.PublishAsync("shared/filter", "one");
        await first.WaitForAsync(1);
        await second.WaitForAsync(1);

        await sub1.DisposeAsync();
        await publisher.PublishAsync("shared/filter", "two");
        await second.WaitForAsync(2);
        Assert.Equal(1, first.Count);

        await sub2.DisposeAsync();
        // A marker on another filter proves the broker has processed everything published before it.
        var marker = new MessageCollector();
        await using var markerSub = await client.SubscribeAsync("shared/marker", marker.Handler);
        await publisher.PublishAsync("shared/filter", "three");
        await publisher.PublishAsync("shared/marker", "done");
        await marker.WaitForAsync(1);
        Assert.Equal(2, second.Count);
        Assert.Equal(3, client.GetStats().Received); // one, two, done: "three" was not delivered after the unsubscribe
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task A_throwing_handler_is_counted_and_dispatch_goes_on(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var client = await TestClients.ConnectAsync(broker, transport);
        var collector = new MessageCollector();
        await using var bad = await client.SubscribeAsync("boom/#", (m, _) => m.PayloadAsString() == "bad" ? throw new InvalidOperationException("handler bug") : ValueTask.CompletedTask);
        await using var good = await client.SubscribeAsync("boom/#", collector.Handler);

        await client.PublishAsync("boom/1", "bad");
        await client.PublishAsync("boom/2", "fine");
        await collector.WaitForAsync(2);
        Assert.Equal(1, client.GetStats().HandlerErrors);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task Shared_subscription_splits_messages_between_two_clients(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var worker1 = await TestClients.ConnectAsync(broker, transport);
        await using var worker2 = await TestClients.ConnectAsync(broker, transport);
        await using var publisher = await TestClients.ConnectAsync(broker, transport);
        var one = new MessageCollector();
        var two = new MessageCollector();
        if (brokerName == TestBrokers.MqttNet)
        {
            // MQTTnet's server has no shared subscriptions: the refusal must be a clear error, not silence.
            var refused = await Assert.ThrowsAsync<SwitchboardException>(() => worker1.SubscribeAsync("$share/workers/jobs/+", one.Handler));
            Assert.Contains("shared subscriptions", refused.Message);
            Assert.Contains("158", refused.Message);
            return;
        }

        await using var s1 = await worker1.SubscribeAsync("$share/workers/jobs/+", one.Handler);
        await using var s2 = await worker2.SubscribeAsync("$share/workers/jobs/+", two.Handler);

        const int total = 200;
        for (var i = 0; i < total; i++)
        {
            Assert.True(publisher.Post($"jobs/{i % 7}", Encoding.UTF8.GetBytes($"job{i}"), Qos.AtLeastOnce));
        }

        await Eventually.WaitAsync(() => one.Count + two.Count >= total, TimeSpan.FromSeconds(20), "every job was handed to a worker");
        Assert.True(one.Count > 0, "worker 1 got no job");
        Assert.True(two.Count > 0, "worker 2 got no job");
        var all = one.Messages.Concat(two.Messages).Select(m => m.PayloadAsString()).ToHashSet();
        Assert.Equal(total, all.Count);
        Assert.All(one.Messages.Concat(two.Messages), m => Assert.StartsWith("jobs/", m.Topic));
    }

    public sealed record Reading(int Seq, string Room);

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task Posted_and_published_events_arrive_as_envelopes_with_their_ids(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var subscriber = await TestClients.ConnectAsync(broker, transport);
        await using var publisher = await TestClients.ConnectAsync(broker, transport, configure: o => o.SourceName = "sensor-svc");
        var received = new System.Collections.Concurrent.ConcurrentQueue<Envelope<Reading>>();
        await using var sub = await subscriber.SubscribeEventsAsync<Reading>("rooms/+/reading", (e, _) =>
        {
            received.Enqueue(e);
            return ValueTask.CompletedTask;
        });

        var publishedId = await publisher.PublishEventAsync("rooms/kitchen/reading", "sensor.reading", new Reading(1, "kitchen"));
        Assert.True(publisher.PostEvent("rooms/hall/reading", "sensor.reading", new Reading(2, "hall")));
        Assert.True(publisher.PostEvent("rooms/hall/reading", "sensor.reading", new Reading(3, "hall"), Qos.AtMostOnce));

        await Eventually.WaitAsync(() => received.Count >= 3, TimeSpan.FromSeconds(15), "three envelopes arrived");
        var envelopes = received.ToList();
        Assert.Equal([1, 2, 3], envelopes.Select(e => e.Data.Seq));
        Assert.Equal(publishedId, envelopes[0].Id);
        Assert.All(envelopes, e => Assert.Matches("^[0-9a-f]{32}$", e.Id));
        Assert.Equal(3, envelopes.Select(e => e.Id).Distinct().Count());
        Assert.All(envelopes, e => Assert.Equal("sensor-svc", e.Source));
        Assert.All(envelopes, e => Assert.Equal("sensor.reading", e.Type));
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task Invalid_input_fails_at_the_call(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var client = await TestClients.ConnectAsync(broker, transport);
        var wildcard = await Assert.ThrowsAsync<ArgumentException>(() => client.PublishAsync("a/+/b", "x"));
        Assert.Contains("wildcard", wildcard.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => client.PublishAsync(string.Empty, "x"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.PublishAsync("a", "x", (Qos)3));
        Assert.Throws<ArgumentException>(() => client.Post(new string('a', 70_000), "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SubscribeAsync("a/#/b", (_, _) => ValueTask.CompletedTask));
        await Assert.ThrowsAsync<ArgumentException>(() => client.PublishEventAsync("a/b", "t", 42));
        Assert.Throws<ArgumentException>(() => client.PostEvent("a/b", "t", 42));
        Assert.Equal(0, client.GetStats().Queued);
    }
}
