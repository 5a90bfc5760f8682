using System.Collections.Concurrent;
using System.Text;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Faults;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>Health, will, reconnects and the offline queue against each real broker, over each of its transports (faults through a TCP proxy in front of the transport's listener).</summary>
public sealed class ConnectionBehaviourTests
{
    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task Health_is_retained_and_seen_by_a_late_subscriber(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var service = await TestClients.ConnectAsync(broker, transport, "svc-health", o => o.EnableHealth = true);
        await using var observer = await TestClients.ConnectAsync(broker, transport);
        var health = new ConcurrentQueue<Envelope<HealthStatusMessage>>();
        await using var sub = await observer.SubscribeEventsAsync<HealthStatusMessage>("system/health/+", (e, _) =>
        {
            health.Enqueue(e);
            return ValueTask.CompletedTask;
        });

        await Eventually.WaitAsync(() => health.Any(h => h.Data.Event == "ready"), "the retained ready health arrived");
        var ready = health.First(h => h.Data.Event == "ready");
        Assert.Equal("health.status", ready.Type);
        Assert.Equal("svc-health", ready.Source);
        Assert.True(ready.Data.Ok);
        Assert.True(ready.Message!.Retain);
        Assert.Matches("^[0-9a-f]{32}$", ready.Data.MessageId);

        await service.ShutdownAsync();
        await Eventually.WaitAsync(() => health.Any(h => h.Data.Event == "shutdown" && !h.Data.Ok), "the shutdown health arrived");
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task The_will_fires_when_the_connection_dies_abruptly(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var proxy = TcpFaultProxy.For(broker, transport);
        await using var observer = await TestClients.ConnectAsync(broker, transport);
        var health = new ConcurrentQueue<HealthStatusMessage>();
        await using var sub = await observer.SubscribeEventsAsync<HealthStatusMessage>("system/health/svc-will", (e, _) =>
        {
            health.Enqueue(e.Data);
            return ValueTask.CompletedTask;
        });
        await using var service = await TestClients.ConnectAsync(proxy, broker, transport, "svc-will", o => o.EnableHealth = true);
        await Eventually.WaitAsync(() => health.Any(h => h.Event == "ready"), "the service announced itself");

        proxy.RefuseNew = true;
        proxy.CutAll();

        await Eventually.WaitAsync(() => health.Any(h => h.Event == "lost" && !h.Ok), "the broker published the will");
        proxy.RefuseNew = false;
        await Eventually.WaitAsync(() => health.Count(h => h.Event == "ready") >= 2, "the service announced itself again after reconnecting");
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task A_clean_shutdown_does_not_fire_the_will(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var observer = await TestClients.ConnectAsync(broker, transport);
        var events = new ConcurrentQueue<string>();
        await using var sub = await observer.SubscribeEventsAsync<HealthStatusMessage>("system/health/svc-clean", (e, _) =>
        {
            events.Enqueue(e.Data.Event);
            return ValueTask.CompletedTask;
        });
        var service = await TestClients.ConnectAsync(broker, transport, "svc-clean", o => o.EnableHealth = true);
        await service.DisposeAsync();
        await service.DisposeAsync(); // idempotent
        await Eventually.WaitAsync(() => events.Contains("shutdown"), "the shutdown health arrived");

        // A marker published after the disconnect: once it is here, a will would have been too.
        await using var marker = await TestClients.ConnectAsync(broker, transport);
        await marker.PublishAsync("system/health/svc-clean", Encoding.UTF8.GetBytes("{\"id\":\"m\",\"type\":\"marker\",\"ts\":1,\"source\":\"m\",\"data\":{\"message_id\":\"m\",\"ok\":true,\"event\":\"marker\",\"timestamp\":1.0}}"));
        await Eventually.WaitAsync(() => events.Contains("marker"), "the marker arrived");
        Assert.DoesNotContain("lost", events);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task Reconnects_and_resubscribes_after_the_broker_restarts(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var client = await TestClients.ConnectAsync(broker, transport);
        var states = new ConcurrentQueue<ConnectionState>();
        client.StateChanged += (_, e) => states.Enqueue(e.Current);
        var collector = new MessageCollector();
        await using var sub = await client.SubscribeAsync("restart/+", collector.Handler);

        await broker.RestartAsync();
        await Eventually.WaitAsync(() => client.GetStats().Reconnects >= 1 && client.State == ConnectionState.Connected, TimeSpan.FromSeconds(20), "the client reconnected");
        Assert.Contains(ConnectionState.Reconnecting, states);

        await using var publisher = await TestClients.ConnectAsync(broker, transport);
        await publisher.PublishAsync("restart/after", "hello again");
        await collector.WaitForAsync(1, what: "the resubscribed handler received a message");
        Assert.Equal("hello again", collector.Messages[0].PayloadAsString());
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task Publishes_made_while_the_broker_is_down_are_delivered_after_it_returns(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var client = await TestClients.ConnectAsync(broker, transport);
        await broker.StopAsync();
        await Eventually.WaitAsync(() => client.State == ConnectionState.Reconnecting, "the client noticed the broker is gone");

        // Retained, so a subscriber that connects after the restart can see that the broker got them.
        var pending = client.PublishAsync("offline/awaited", "awaited", Qos.AtLeastOnce, retain: true);
        Assert.True(client.Post("offline/posted", Encoding.UTF8.GetBytes("posted"), Qos.AtLeastOnce, retain: true));
        Assert.False(pending.IsCompleted);
        await Eventually.WaitAsync(() => client.GetStats().Queued == 2, "both messages wait in the queue");

        await broker.StartAsync();
        await pending.WithTimeout(TimeSpan.FromSeconds(20), "the queued publish to be acknowledged after the restart");
        await using var observer = await TestClients.ConnectAsync(broker, transport);
        var collector = new MessageCollector();
        await using var sub = await observer.SubscribeAsync("offline/+", collector.Handler);
        await collector.WaitForAsync(2);
        Assert.Equal(["awaited", "posted"], collector.Messages.Select(m => m.PayloadAsString()).Order());
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task Bad_credentials_give_one_clear_error_and_no_retry_storm(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName, new BrokerOptions { Username = "svc", Password = "right-password" });
        await using var proxy = TcpFaultProxy.For(broker, transport);
        await using var client = new SwitchboardClient(TestClients.Options(proxy, broker, transport, configure: o =>
        {
            o.Username = "svc";
            o.Password = "wrong-password";
            o.RetryFirstConnect = true;
        }));

        var error = await Assert.ThrowsAsync<MqttConnectionException>(() => client.ConnectAsync());
        Assert.True(error.IsFatal);
        Assert.Contains(error.ReasonCode, new[] { 0x86, 0x87 });
        Assert.DoesNotContain("wrong-password", error.ToString());
        Assert.Equal(ConnectionState.Faulted, client.State);
        Assert.Equal(1, proxy.ConnectionCount);

        // Nothing may try again: wait through many backoff periods and require the count to stay at one.
        await Assert.ThrowsAsync<TimeoutException>(() => Eventually.WaitAsync(() => proxy.ConnectionCount > 1, TimeSpan.FromSeconds(1), "a retry happened"));
        await Assert.ThrowsAsync<MqttPublishException>(() => client.PublishAsync("x/y", "z"));
    }
}
