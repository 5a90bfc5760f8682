using System.Collections.Concurrent;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Switchboard.IntegrationTests.Behaviour;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Faults;

/// <summary>A list of brokers and MQTT 5 server redirection against real brokers: two Mosquitto processes (the first
/// killed or stopped), and the embedded MQTTnet server refusing with a Server Reference.</summary>
public sealed class FailoverTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_the_first_mosquitto_dies_the_client_moves_to_the_second_resubscribes_and_loses_no_qos1_message(bool kill)
    {
        await using var first = new MosquittoBroker();
        await using var second = new MosquittoBroker();
        await Task.WhenAll(first.StartAsync(), second.StartAsync());

        var changes = new ConcurrentQueue<ConnectionStateChangedEventArgs>();
        var sessionLost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new SwitchboardClient(TestClients.Options($"{first.Url},{second.Url}", "failover-client", o =>
        {
            // A persistent session, which the second broker cannot have: the move must say so.
            o.CleanStart = false;
            o.SessionExpiry = TimeSpan.FromMinutes(5);
        }));
        client.StateChanged += (_, e) => changes.Enqueue(e);
        client.SessionLost += (_, _) => sessionLost.TrySetResult();
        await client.ConnectAsync().WaitAsync(Bound);
        Assert.Equal(first.Url, client.GetStats().Broker);

        var own = new MessageCollector();
        await using var subscription = await client.SubscribeAsync("failover/#", own.Handler, Qos.AtLeastOnce);
        await using var watcher = await TestClients.ConnectAsync(second, "failover-watcher");
        var watched = new MessageCollector();
        await using var watch = await watcher.SubscribeAsync("failover/#", watched.Handler, Qos.AtLeastOnce);

        // On the first broker: published, acknowledged and received back through the client's own subscription.
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => client.PublishAsync($"failover/before/{i}", System.Text.Encoding.UTF8.GetBytes($"{i}"), Qos.AtLeastOnce)));
        await own.WaitForAsync(100, Bound);

        if (kill)
        {
            await first.KillAsync();
        }
        else
        {
            await first.StopAsync();
        }

        // Published at once, while the client finds out and moves: every one must reach the second broker.
        const int after = 300;
        var publishes = Enumerable.Range(0, after).Select(i => client.PublishAsync($"failover/after/{i}", System.Text.Encoding.UTF8.GetBytes($"{i}"), Qos.AtLeastOnce)).ToList();
        await Task.WhenAll(publishes).WaitAsync(Bound);
        await sessionLost.Task.WaitAsync(Bound);

        static HashSet<string> After(MessageCollector c) => [.. c.Messages.Where(m => m.Topic.StartsWith("failover/after/", StringComparison.Ordinal)).Select(m => m.PayloadAsString())];
        await Eventually.WaitAsync(() => After(watched).Count == after, Bound, $"the watcher on the second broker got all {after} (has {After(watched).Count})");
        await Eventually.WaitAsync(() => After(own).Count == after, Bound, $"the client's restored subscription got all {after} (has {After(own).Count})");

        var stats = client.GetStats();
        Assert.Equal(ConnectionState.Connected, stats.State);
        Assert.Equal(second.Url, stats.Broker);
        Assert.Equal(1, stats.Reconnects);
        Assert.Equal(1, stats.SessionsLost);
        Assert.Equal(0, stats.PublishErrors);
        await Eventually.WaitAsync(() => changes.Any(c => c.Current == ConnectionState.Connected && c.Broker == second.Url), Bound, "StateChanged to Connected on the second broker");
        var lost = changes.First(c => c.Current == ConnectionState.Reconnecting);
        Assert.Equal(first.Url, lost.Broker);
        Assert.DoesNotContain(changes, c => c.Current == ConnectionState.Faulted);
    }

    [Fact]
    public async Task A_first_broker_that_is_down_at_start_is_skipped()
    {
        await using var down = new MosquittoBroker();
        await using var up = new MosquittoBroker();
        await up.StartAsync();

        await using var client = await TestClients.ConnectAsync($"{down.Url},{up.Url}");
        Assert.Equal(up.Url, client.GetStats().Broker);
        var collector = new MessageCollector();
        await using var sub = await client.SubscribeAsync("skip/+", collector.Handler);
        await client.PublishAsync("skip/x", "ok"u8.ToArray(), Qos.AtLeastOnce);
        await collector.WaitForAsync(1);
    }

    [Theory]
    [InlineData(MqttConnectReasonCode.UseAnotherServer)]
    [InlineData(MqttConnectReasonCode.ServerMoved)]
    public async Task A_connack_with_a_server_reference_from_mqttnet_sends_the_client_to_that_broker(MqttConnectReasonCode code)
    {
        await using var target = new EmbeddedBroker();
        await target.StartAsync();
        var refused = 0;
        await using var redirector = new EmbeddedBroker(configure: server => server.ValidatingConnectionAsync += e =>
        {
            Interlocked.Increment(ref refused);
            e.ReasonCode = code;
            e.ServerReference = $"{target.Host}:{target.Port}";
            return Task.CompletedTask;
        });
        await redirector.StartAsync();

        var changes = new ConcurrentQueue<ConnectionStateChangedEventArgs>();
        await using var client = new SwitchboardClient(TestClients.Options(redirector.Url, configure: o => o.KeepAlive = TimeSpan.FromSeconds(30)));
        client.StateChanged += (_, e) => changes.Enqueue(e);
        await client.ConnectAsync().WaitAsync(Bound);

        Assert.Equal(1, refused);
        Assert.Equal(target.Url, client.GetStats().Broker);
        await Eventually.WaitAsync(() => changes.Any(c => c.Current == ConnectionState.Connected), Bound, "Connected");
        Assert.Equal(target.Url, changes.Single(c => c.Current == ConnectionState.Connected).Broker);
        var collector = new MessageCollector();
        await using var sub = await client.SubscribeAsync("redirected/+", collector.Handler);
        await client.PublishAsync("redirected/x", "there"u8.ToArray(), Qos.AtLeastOnce);
        await collector.WaitForAsync(1);
    }

    [Fact]
    public async Task A_disconnect_with_a_server_reference_from_mqttnet_moves_the_client()
    {
        await using var target = new EmbeddedBroker();
        await target.StartAsync();
        MqttServer? server = null;
        await using var origin = new EmbeddedBroker(configure: s => server = s);
        await origin.StartAsync();
        await using var client = await TestClients.ConnectAsync(origin, "moved-client");
        Assert.Equal(origin.Url, client.GetStats().Broker);

        var status = Assert.Single(await server!.GetClientsAsync());
        await status.DisconnectAsync(new MqttServerClientDisconnectOptions
        {
            ReasonCode = MqttDisconnectReasonCode.ServerMoved,
            ServerReference = $"mqtt://{target.Host}:{target.Port}",
        });

        await Eventually.WaitAsync(() => client.State == ConnectionState.Connected && client.GetStats().Broker == target.Url, Bound, "connected to the broker the DISCONNECT named");
        var collector = new MessageCollector();
        await using var sub = await client.SubscribeAsync("moved/+", collector.Handler);
        await client.PublishAsync("moved/x", "here"u8.ToArray(), Qos.AtLeastOnce);
        await collector.WaitForAsync(1);
    }
}
