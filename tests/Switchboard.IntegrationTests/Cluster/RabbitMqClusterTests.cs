using Microsoft.Extensions.Logging;
using Switchboard.IntegrationTests.Behaviour;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;
using Switchboard.Reliability;
using Xunit.Abstractions;

namespace Switchboard.IntegrationTests.Cluster;

/// <summary>A service with both nodes of a RabbitMQ cluster in its URL list loses its node (stop_app, or SIGKILL of
/// the Erlang VM): it moves to the other node, resubscribes, and every QoS 1 message it accepted reaches a subscriber.
/// What RabbitMQ itself loses (a subscriber whose queue lived on the dead node) is measured and printed, not asserted.</summary>
public sealed class RabbitMqClusterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_its_node_goes_down_the_service_moves_to_the_other_node_and_loses_no_accepted_qos1_message(bool kill)
    {
        // A cluster per test (about 15 s to start two nodes and join them): a node brought back after stop_app or a
        // kill can take minutes to rejoin (start_app waits on the cluster's tables), so no test inherits one.
        await using var cluster = await RabbitMqCluster.StartAsync(nodes: 2);
        output.WriteLine($"cluster started in {cluster.StartupTime.TotalSeconds:0.0} s: {string.Join(", ", cluster.Nodes)}");
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(150));

        var outcome = await ClusterScenario.RunAsync(cluster, kill, messages: 300, bound.Token);
        output.WriteLine(Report.Format([outcome.Row]));

        Assert.True(outcome.Broker == cluster.Nodes[1].Url, outcome.Row.Notes);
        Assert.True(outcome.FailedPublishes == 0, outcome.Row.Notes);
        Assert.Equal(0, outcome.Row.LostByClient);
        Assert.Equal(outcome.Row.Accepted, outcome.OwnReceived);
        Assert.True(outcome.Row.Reconnects >= 1, "the service reconnected");
    }

    [Fact]
    public async Task RabbitMQ_3_10_MQTT_speaks_3_1_1_only_downgrades_qos2_to_qos1_and_keeps_retained_messages_per_node()
    {
        await using var cluster = await RabbitMqCluster.StartAsync(nodes: 2);
        var (first, second) = (cluster.Nodes[0], cluster.Nodes[1]);
        var bound = TimeSpan.FromSeconds(20);
        static SwitchboardOptions V311(SwitchboardOptions o)
        {
            o.Protocol = MqttProtocol.V311;
            return o;
        }

        // MQTT 5: the CONNECT is answered by closing the connection.
        await using (var v5 = new SwitchboardClient(TestClients.Options(first.Url, "rmq-v5")))
        {
            await Assert.ThrowsAnyAsync<SwitchboardException>(() => v5.ConnectAsync().WaitAsync(bound));
        }

        // QoS 2: the subscription is granted QoS 1 and a QoS 2 publish is answered with PUBACK; the client takes the
        // PUBACK as done (logged once) instead of dropping the connection and resending forever.
        var logs = new CapturingLoggerFactory();
        await using var client = new SwitchboardClient(V311(TestClients.Options(first.Url, "rmq-q2")), logs);
        await client.ConnectAsync().WaitAsync(bound);
        var received = new MessageCollector();
        await using (await client.SubscribeAsync("quirks/q2", received.Handler, Qos.ExactlyOnce))
        {
            await client.PublishAsync("quirks/q2", "two"u8.ToArray(), Qos.ExactlyOnce).WithTimeout(bound, "the QoS 2 publish");
            await client.PublishAsync("quirks/q2", "again"u8.ToArray(), Qos.ExactlyOnce).WithTimeout(bound, "a second QoS 2 publish");
            await received.WaitForAsync(2, bound);
        }

        Assert.All(received.Messages, m => Assert.Equal(Qos.AtLeastOnce, m.Qos));
        Assert.Equal(0, client.GetStats().Reconnects);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("acknowledged a QoS 2 publish to quirks/q2 with PUBACK", StringComparison.Ordinal));

        // Retained messages live on the node that took them.
        await client.PublishAsync("quirks/retained", "kept"u8.ToArray(), Qos.AtLeastOnce, retain: true).WithTimeout(bound, "the retained publish");
        var onFirst = new MessageCollector();
        await using var firstReader = new SwitchboardClient(V311(TestClients.Options(first.Url, "rmq-ret-1")));
        await firstReader.ConnectAsync().WaitAsync(bound);
        await using (await firstReader.SubscribeAsync("quirks/retained", onFirst.Handler, Qos.AtLeastOnce))
        {
            await onFirst.WaitForAsync(1, bound);
        }

        var onSecond = new MessageCollector();
        await using var secondReader = new SwitchboardClient(V311(TestClients.Options(second.Url, "rmq-ret-2")));
        await secondReader.ConnectAsync().WaitAsync(bound);
        await using (await secondReader.SubscribeAsync("quirks/retained", onSecond.Handler, Qos.AtLeastOnce))
        {
            // A live message published after the subscription arrives; the retained one, on the other node, never did.
            await firstReader.PublishAsync("quirks/retained", "live"u8.ToArray(), Qos.AtLeastOnce).WithTimeout(bound, "the live publish");
            await onSecond.WaitForAsync(1, bound);
        }

        Assert.Equal(["live"], onSecond.Messages.Select(m => m.PayloadAsString()));
    }
}
