using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Reliability;

/// <summary>
/// A service on a RabbitMQ cluster (every node in its URL list, MQTT 3.1.1) loses its node — <c>rabbitmqctl
/// stop_app</c> or a SIGKILL of the node's Erlang VM — while it publishes numbered QoS 1 messages. Counted: what a
/// watcher on the surviving node receives (the broker's copy of every accepted message), what the service's own
/// subscription receives after it moved and resubscribed, and, apart, what a subscriber whose persistent session's
/// queue lived on the dead node receives: that is RabbitMQ's part (a classic queue lives on one node).
/// </summary>
public static class ClusterScenario
{
    public const int Before = 100;

    /// <summary>What the scenario saw, beyond the report row.</summary>
    public sealed record Outcome(ScenarioResult Row, int OwnReceived, int FailedPublishes, string Broker, int DeadNodeSubscriberReceived, int DeadNodeSubscriberLost);

    public static async Task<Outcome> RunAsync(RabbitMqCluster cluster, bool kill, int messages, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var (dead, alive) = (cluster.Nodes[0], cluster.Nodes[1]);
        var run = Guid.NewGuid().ToString("N")[..8];
        var topic = $"cluster/{run}";
        static SwitchboardOptions Options(string url, string id, Action<SwitchboardOptions>? configure = null) =>
            Scenarios.Options(url, id, o =>
            {
                // RabbitMQ 3.10's MQTT plugin speaks 3.1.1 only.
                o.Protocol = MqttProtocol.V311;
                o.QueueCapacity = 100_000;
                configure?.Invoke(o);
            });

        var own = new StreamTally();
        var watched = new StreamTally();
        var stranded = new StreamTally();
        ValueTask Into(StreamTally tally, MqttMessage m)
        {
            tally.Record(long.Parse(m.PayloadAsString(), CultureInfo.InvariantCulture));
            return ValueTask.CompletedTask;
        }

        var connectedAt = new ConcurrentQueue<(long Timestamp, string? Broker)>();
        await using var service = new SwitchboardClient(Options(cluster.Url, $"svc-{run}"));
        service.StateChanged += (_, e) =>
        {
            if (e.Current == ConnectionState.Connected)
            {
                connectedAt.Enqueue((Stopwatch.GetTimestamp(), e.Broker));
            }
        };
        await service.ConnectAsync(cancellationToken);
        if (service.GetStats().Broker != dead.Url)
        {
            throw new InvalidOperationException($"the service connected to {service.GetStats().Broker}, not the first node {dead.Url}");
        }

        await using var ownSubscription = await service.SubscribeAsync($"{topic}/+", (m, _) => Into(own, m), Qos.AtLeastOnce, cancellationToken);
        await using var watcher = new SwitchboardClient(Options(alive.Url, $"watch-{run}"));
        await watcher.ConnectAsync(cancellationToken);
        await using var watch = await watcher.SubscribeAsync($"{topic}/+", (m, _) => Into(watched, m), Qos.AtLeastOnce, cancellationToken);

        // A persistent session on the node that dies: its durable classic queue lives there.
        await using var strandedClient = new SwitchboardClient(Options(cluster.Url, $"stranded-{run}", o =>
        {
            o.CleanStart = false;
        }));
        await strandedClient.ConnectAsync(cancellationToken);
        await using var strandedSubscription = await strandedClient.SubscribeAsync($"{topic}/+", (m, _) => Into(stranded, m), Qos.AtLeastOnce, cancellationToken);

        async Task<bool> PublishAsync(long i)
        {
            try
            {
                await service.PublishAsync($"{topic}/{i % 4}", Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)), Qos.AtLeastOnce, cancellationToken: cancellationToken);
                return true;
            }
            catch (SwitchboardException)
            {
                return false;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Before).Select(i => PublishAsync(i)));
        await WaitAsync(() => own.Unique == Before && watched.Unique == Before && stranded.Unique == Before, TimeSpan.FromSeconds(30), cancellationToken);

        var fault = Stopwatch.GetTimestamp();
        if (kill)
        {
            await cluster.KillAsync(dead);
        }
        else
        {
            await cluster.StopAppAsync(dead);
        }

        // Accepted while the service finds out and moves: each must reach the surviving node.
        var total = Before + messages;
        var publishes = Enumerable.Range(Before, messages).Select(i => PublishAsync(i)).ToArray();
        await WaitAsync(() => publishes.All(p => p.IsCompleted), TimeSpan.FromSeconds(kill ? 10 : 60), cancellationToken);
        var forgotten = string.Empty;
        if (!publishes.All(p => p.IsCompleted))
        {
            // RabbitMQ 3.10 keeps the queue records of a node that died without stopping; the service's resubscription
            // (same client id, so the same queue name) then waits on a queue whose node is down, and its connection to
            // the surviving node never completes. The operator's way out: remove the dead node from the cluster.
            var stuck = Stopwatch.GetElapsedTime(fault);
            await cluster.CtlAsync(alive, "forget_cluster_node", dead.NodeName);
            forgotten = string.Create(CultureInfo.InvariantCulture, $"stuck {stuck.TotalSeconds:0} s (resubscription waits on the dead node's queue) until `rabbitmqctl forget_cluster_node`; ");
            await WaitAsync(() => publishes.All(p => p.IsCompleted), TimeSpan.FromSeconds(60), cancellationToken);
        }

        var completed = publishes.Select(p => p.IsCompletedSuccessfully && p.Result).ToArray();
        var failed = completed.Count(ok => !ok);
        await WaitAsync(() => watched.Unique == total - failed && own.Unique == total - failed, TimeSpan.FromSeconds(30), cancellationToken);
        var recovery = connectedAt.Where(c => c.Timestamp > fault).Select(c => Stopwatch.GetElapsedTime(fault, c.Timestamp)).DefaultIfEmpty(TimeSpan.Zero).Min();
        var stats = service.GetStats();
        var broker = stats.Broker ?? "?";

        // The dead node stays down: whatever reaches the stranded subscriber by now is what RabbitMQ delivered.
        await WaitAsync(() => stranded.Unique == total, TimeSpan.FromSeconds(5), cancellationToken);
        var strandedStats = strandedClient.GetStats();

        var missingAtWatcher = watched.Missing(total);
        var lostByBroker = missingAtWatcher.Count(i => i < Before || completed[(int)(i - Before)]);
        var strandedLost = stranded.Missing(total).Count;
        var row = new ScenarioResult
        {
            Scenario = $"RabbitMQ 2-node cluster, the service's node {(kill ? "SIGKILLed (beam)" : "stopped (stop_app)")}, {messages} QoS 1 published during the move",
            Accepted = total,
            Delivered = total - missingAtWatcher.Count,
            Lost = missingAtWatcher.Count,
            LostByBroker = lostByBroker,
            Duplicates = watched.Duplicates,
            Reorderings = watched.Reorderings,
            Reconnects = service.GetStats().Reconnects,
            MaxRecovery = recovery,
            Duration = clock.Elapsed,
            Notes = forgotten + $"moved to the other node ({(broker == alive.Url ? "yes" : broker)}); own resubscribed subscription {own.Unique}/{total}; {failed} publish(es) failed; " +
                $"RabbitMQ's part: a persistent-session subscriber whose queue was on the dead node got {stranded.Unique}/{total} ({strandedLost} lost or stuck with the node's queue; it is {strandedStats.State} on {strandedStats.Broker}, {strandedStats.Reconnects} reconnects)" +
                (failed > 0 ? $"; service {stats.State} on {broker}, {stats.Queued} queued, {stats.Inflight} in flight, last error {stats.LastError}" : string.Empty),
        };
        return new Outcome(row, own.Unique, failed, broker, stranded.Unique, strandedLost);
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < timeout)
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
