using System.Collections.Concurrent;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Faults;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>
/// What the session engine promises beyond the wire: QoS 2 exactly-once across a connection lost at each step of
/// the flow (both as publisher and as subscriber), one handler run per message however many filters match (MQTT 5
/// subscription identifiers), and a handler that blocks longer than the keep-alive without the connection dropping.
/// </summary>
public sealed class SessionEngineBehaviourTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static void Persistent(SwitchboardOptions o)
    {
        o.CleanStart = false;
        o.SessionExpiry = TimeSpan.FromMinutes(5);
    }

    // Mosquitto only: MQTTnet.Server 5.2 keeps no QoS 2 flow state across a reconnect (it delivers a repeated
    // PUBLISH again, and resends a PUBLISH where PUBREL is due), so no client can get exactly-once through it.
    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_restarted_service_that_subscribes_before_connecting_gets_what_waited_in_its_session(string brokerName)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        var clientId = $"restarted-{Guid.NewGuid():N}";
        await using (var first = await TestClients.ConnectAsync(broker, clientId, Persistent))
        {
            await using var sub = await first.SubscribeAsync("waiting/+", (_, _) => ValueTask.CompletedTask);
            await first.ShutdownAsync(TimeSpan.FromSeconds(5));
        }

        await using var publisher = await TestClients.ConnectAsync(broker);
        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishAsync($"waiting/{i % 3}", $"m{i}");
        }

        // The process comes back: handlers first, then the connection, so nothing that waited arrives before them.
        var seen = new ConcurrentQueue<string>();
        await using var again = new SwitchboardClient(TestClients.Options(broker, Transport.Tcp, clientId, Persistent));
        await using var handler = await again.SubscribeAsync("waiting/+", (m, _) =>
        {
            seen.Enqueue(m.PayloadAsString());
            return ValueTask.CompletedTask;
        });
        await again.ConnectAsync().WaitAsync(Timeout);
        await Eventually.WaitAsync(() => seen.Count == 20, Timeout, "every message that waited in the session arrived");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), seen);
        Assert.Equal(0, again.GetStats().Unrouted);
    }

    [Fact]
    public async Task Messages_that_waited_in_the_session_and_find_no_handler_are_counted_and_named_not_dropped_silently()
    {
        await using var broker = await TestBrokers.StartAsync(TestBrokers.Mosquitto);
        var clientId = $"late-{Guid.NewGuid():N}";
        await using (var first = await TestClients.ConnectAsync(broker, clientId, Persistent))
        {
            await using var sub = await first.SubscribeAsync("late/#", (_, _) => ValueTask.CompletedTask);
            await first.ShutdownAsync(TimeSpan.FromSeconds(5));
        }

        await using var publisher = await TestClients.ConnectAsync(broker);
        for (var i = 0; i < 5; i++)
        {
            await publisher.PublishAsync("late/x", $"m{i}");
        }

        // Connected without any handler: the broker sends what waited at once, and no handler wants it.
        var logs = new CapturingLoggerFactory();
        await using var again = new SwitchboardClient(TestClients.Options(broker, Transport.Tcp, clientId, Persistent), logs);
        await again.ConnectAsync().WaitAsync(Timeout);
        await Eventually.WaitAsync(() => again.GetStats().Unrouted == 5, Timeout, "the five messages were counted as unrouted");
        Assert.Contains(logs.Entries, e => e.Message.Contains("matched no handler", StringComparison.Ordinal) && e.Message.Contains("subscribe before ConnectAsync", StringComparison.Ordinal));
    }

    public static TheoryData<string, int> PublisherCuts => new()
    {
        // Lost before the PUBREC reached us: we resend the PUBLISH (DUP, same id); the broker must not deliver twice.
        { TestBrokers.Mosquitto, 5 },
        // Lost before the PUBCOMP reached us: we resend only the PUBREL.
        { TestBrokers.Mosquitto, 7 },
    };

    [Theory]
    [MemberData(nameof(PublisherCuts))]
    public async Task A_qos2_publish_cut_mid_flow_reaches_the_subscriber_exactly_once(string brokerName, int cutBeforeType)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var proxy = new PacketCutProxy(broker.Host, broker.Port);
        var seen = new ConcurrentQueue<string>();
        await using var subscriber = await TestClients.ConnectAsync(broker);
        await using var sub = await subscriber.SubscribeAsync("eo/pub", (m, _) =>
        {
            seen.Enqueue(m.PayloadAsString());
            return ValueTask.CompletedTask;
        }, Qos.ExactlyOnce);

        await using var publisher = await TestClients.ConnectAsync(proxy.Url, configure: Persistent);
        var cut = proxy.CutBefore(PacketDirection.ToClient, cutBeforeType);
        await publisher.PublishAsync("eo/pub", "first", Qos.ExactlyOnce).WaitAsync(Timeout);
        Assert.True(cut.IsCompleted, "the proxy cut the connection in the middle of the QoS 2 flow");
        Assert.True(publisher.GetStats().Reconnects >= 1);

        await publisher.PublishAsync("eo/pub", "second", Qos.ExactlyOnce).WaitAsync(Timeout);
        await Eventually.WaitAsync(() => seen.Contains("second"), Timeout, "the message after the cut arrived");
        Assert.Equal(["first", "second"], seen);
    }

    public static TheoryData<string, int> SubscriberCuts => new()
    {
        // Our PUBREC never reached the broker: it sends the PUBLISH again; we acknowledge it but don't handle it twice.
        { TestBrokers.Mosquitto, 5 },
        // Our PUBCOMP never reached the broker: it sends PUBREL again.
        { TestBrokers.Mosquitto, 7 },
    };

    [Theory]
    [MemberData(nameof(SubscriberCuts))]
    public async Task A_qos2_delivery_cut_mid_flow_runs_the_handler_exactly_once(string brokerName, int cutBeforeType)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var proxy = new PacketCutProxy(broker.Host, broker.Port);
        var seen = new ConcurrentQueue<string>();
        await using var subscriber = await TestClients.ConnectAsync(proxy.Url, configure: Persistent);
        await using var sub = await subscriber.SubscribeAsync("eo/sub", (m, _) =>
        {
            seen.Enqueue(m.PayloadAsString());
            return ValueTask.CompletedTask;
        }, Qos.ExactlyOnce);

        await using var publisher = await TestClients.ConnectAsync(broker);
        var cut = proxy.CutBefore(PacketDirection.ToBroker, cutBeforeType);
        await publisher.PublishAsync("eo/sub", "first", Qos.ExactlyOnce).WaitAsync(Timeout);
        await cut.WaitAsync(Timeout);
        await Eventually.WaitAsync(() => subscriber.GetStats().Reconnects >= 1 && subscriber.State == ConnectionState.Connected, Timeout, "the subscriber reconnected");

        await publisher.PublishAsync("eo/sub", "second", Qos.ExactlyOnce).WaitAsync(Timeout);
        await Eventually.WaitAsync(() => seen.Contains("second"), Timeout, "the message after the cut arrived");
        Assert.Equal(["first", "second"], seen);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Overlapping_filters_run_each_handler_once_per_message_on_mqtt5(string brokerName)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        var exact = new ConcurrentQueue<string>();
        var wildcard = new ConcurrentQueue<string>();
        await using var subscriber = await TestClients.ConnectAsync(broker);
        await using var a = await subscriber.SubscribeAsync("a/x", (m, _) =>
        {
            exact.Enqueue(m.PayloadAsString());
            return ValueTask.CompletedTask;
        });
        await using var b = await subscriber.SubscribeAsync("a/+", (m, _) =>
        {
            wildcard.Enqueue(m.PayloadAsString());
            return ValueTask.CompletedTask;
        });

        await using var publisher = await TestClients.ConnectAsync(broker);
        await publisher.PublishAsync("a/x", "one");
        await publisher.PublishAsync("a/y", "only-wildcard");
        await publisher.PublishAsync("a/x", "end");
        await Eventually.WaitAsync(() => exact.Contains("end") && wildcard.Contains("end"), Timeout, "both handlers saw the last message");
        Assert.Equal(["one", "end"], exact);
        Assert.Equal(["one", "only-wildcard", "end"], wildcard);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_handler_that_blocks_longer_than_the_keepalive_does_not_drop_a_healthy_connection(string brokerName)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        var handled = new ConcurrentQueue<string>();
        await using var subscriber = await TestClients.ConnectAsync(broker, configure: o => o.KeepAlive = TimeSpan.FromSeconds(2));
        await using var sub = await subscriber.SubscribeAsync("slow/job", (m, _) =>
        {
            if (m.PayloadAsString() == "block")
            {
                // The behaviour under test: a handler that blocks its thread (sync-over-async) for 2.5 keep-alives.
                Thread.Sleep(TimeSpan.FromSeconds(5));
            }

            handled.Enqueue(m.PayloadAsString());
            return ValueTask.CompletedTask;
        });

        await using var publisher = await TestClients.ConnectAsync(broker);
        await publisher.PublishAsync("slow/job", "block");
        await publisher.PublishAsync("slow/job", "after");
        await Eventually.WaitAsync(() => handled.Contains("after"), Timeout, "the message after the blocking one was handled");
        Assert.Equal(["block", "after"], handled);
        Assert.Equal(0, subscriber.GetStats().Reconnects);
        Assert.Equal(ConnectionState.Connected, subscriber.State);
    }

    [Fact]
    public async Task A_repeated_long_topic_goes_out_as_a_topic_alias_that_mosquitto_accepts()
    {
        // Mosquitto's default max_topic_alias is 10. The same 100 publishes cost far fewer bytes with aliases (MQTT 5)
        // than without (3.1.1, which has none); the subscriber sees every message under its full topic.
        var topic = "home/" + new string('x', 120) + "/state";
        await using var broker = await TestBrokers.StartAsync(TestBrokers.Mosquitto);
        var bytes = new Dictionary<MqttProtocol, long>();
        foreach (var protocol in new[] { MqttProtocol.V500, MqttProtocol.V311 })
        {
            var received = new ConcurrentQueue<string>();
            await using var subscriber = await TestClients.ConnectAsync(broker);
            await using var sub = await subscriber.SubscribeAsync(topic, (m, _) =>
            {
                received.Enqueue(m.Topic);
                return ValueTask.CompletedTask;
            });
            await using var proxy = new PacketCutProxy(broker.Host, broker.Port);
            await using var publisher = await TestClients.ConnectAsync(proxy.Url, configure: o => o.Protocol = protocol);
            var before = proxy.BytesToBroker;
            for (var i = 0; i < 100; i++)
            {
                await publisher.PublishAsync(topic, "21.5");
            }

            bytes[protocol] = proxy.BytesToBroker - before;
            await Eventually.WaitAsync(() => received.Count == 100, Timeout, "the subscriber got every message");
            Assert.All(received, t => Assert.Equal(topic, t));
            Assert.Equal(0, publisher.GetStats().Reconnects);
        }

        Assert.True(bytes[MqttProtocol.V500] < bytes[MqttProtocol.V311] - (99 * 100), $"MQTT 5 sent {bytes[MqttProtocol.V500]} bytes, 3.1.1 {bytes[MqttProtocol.V311]}: the topic was not aliased");
    }
}
