using Switchboard.IntegrationTests.Brokers;
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
}
