using System.Collections.Concurrent;
using Switchboard.IntegrationTests.Behaviour;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;
using Switchboard.Reliability;
using Xunit.Abstractions;

namespace Switchboard.IntegrationTests.Faults;

/// <summary>"Nothing lost" under faults, against a real Mosquitto with persistence: the same scenarios the
/// reliability report runs, with their numbers asserted.</summary>
public sealed class FaultInjectionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Twenty_thousand_messages_survive_five_broker_kills_and_five_cuts_without_loss_or_reordering()
    {
        var result = await Scenarios.StreamThroughFaultsAsync(20_000, brokerKills: 5, proxyCuts: 5, dedupe: false).WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine(Report.Format([result]));
        // The client's promise: nothing it accepted is lost before the broker acknowledges it. (Mosquitto acknowledges
        // before writing its database, so a SIGKILL right after a PUBACK can lose a message at the broker; that is
        // reported, and is not this client's to prevent.)
        Assert.True(result.LostByClient == 0, $"lost {result.LostByClient}: {result.Notes}");
        Assert.Equal(20_000 - result.LostByBroker, result.Delivered);
        Assert.Equal(0, result.Reorderings);
        Assert.True(result.Reconnects >= 10, $"only {result.Reconnects} reconnects: the faults did not bite");
    }

    [Fact]
    public async Task With_dedupe_on_handlers_see_no_duplicates_through_the_same_faults()
    {
        var result = await Scenarios.StreamThroughFaultsAsync(20_000, brokerKills: 5, proxyCuts: 5, dedupe: true).WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine(Report.Format([result]));
        Assert.True(result.LostByClient == 0, $"lost {result.LostByClient}: {result.Notes}");
        Assert.Equal(0, result.Duplicates);
        Assert.True(result.Reconnects >= 10, $"only {result.Reconnects} reconnects: the faults did not bite");
    }

    [Fact]
    public async Task Messages_accepted_by_a_killed_process_are_delivered_by_the_next_one()
    {
        var result = await ChildCrashScenario.RunAsync(3000).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(result.Lost == 0, $"lost {result.Lost} of {result.Accepted}: {result.Notes}");
        Assert.True(result.Accepted >= 2000, $"the child was killed after only {result.Accepted} accepted messages");
    }

    [Fact]
    public async Task A_stalled_connection_is_detected_within_one_and_a_half_keepalives_and_recovered()
    {
        var keepAlive = TimeSpan.FromSeconds(2);
        var result = await Scenarios.StallAsync(keepAlive).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(result.MaxRecovery <= keepAlive * 1.5, $"detected after {result.MaxRecovery.TotalSeconds:0.00} s");
        Assert.Equal(1, result.Reconnects);
    }

    [Fact]
    public async Task A_handler_far_slower_than_the_publisher_keeps_memory_bounded_and_loses_nothing()
    {
        const int capacity = 50;
        var result = await Scenarios.SlowHandlerAsync(1000, TimeSpan.FromMilliseconds(2), capacity).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, result.Lost);
        Assert.True(result.PeakIncomingQueue <= capacity, $"incoming queue reached {result.PeakIncomingQueue}");
        // The broker may send at most our receive-maximum unacknowledged messages; MQTTnet may hold a couple in hand.
        Assert.True(result.PeakUnhandled <= capacity + 5, $"{result.PeakUnhandled} messages were held by the client at once");
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_message_whose_handler_threw_is_redelivered_after_a_reconnect_with_a_persistent_session(string brokerName)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var proxy = TcpFaultProxy.For(broker);
        var attempts = new ConcurrentQueue<string>();
        var failOnce = 1;
        await using var subscriber = await TestClients.ConnectAsync(proxy, "persistent-sub", o =>
        {
            o.CleanStart = false;
            o.SessionExpiry = TimeSpan.FromMinutes(5);
        });
        await using var sub = await subscriber.SubscribeAsync("jobs/flaky", (m, _) =>
        {
            attempts.Enqueue(m.PayloadAsString());
            return Interlocked.Exchange(ref failOnce, 0) == 1 ? throw new InvalidOperationException("first try fails") : ValueTask.CompletedTask;
        });
        await using var publisher = await TestClients.ConnectAsync(broker);
        await publisher.PublishAsync("jobs/flaky", "job-1");
        await Eventually.WaitAsync(() => attempts.Count == 1 && subscriber.GetStats().HandlerErrors == 1, "the handler saw the job once and its failure was counted");

        proxy.CutAll();
        // The redelivery follows the CONNACK at once, so its handler may run before the reconnect is counted.
        await Eventually.WaitAsync(() => attempts.Count >= 2 && subscriber.GetStats().Reconnects >= 1, TimeSpan.FromSeconds(20), "the broker redelivered the unacknowledged job after the reconnect");
        Assert.Equal(["job-1", "job-1"], attempts.Take(2));
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_lost_session_is_reported_and_subscriptions_are_restored(string brokerName)
    {
        // No broker persistence: a restart forgets every session.
        await using var broker = await TestBrokers.StartAsync(brokerName);
        var sessionLost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscriber = await TestClients.ConnectAsync(broker, "session-sub", o =>
        {
            o.CleanStart = false;
            o.SessionExpiry = TimeSpan.FromMinutes(5);
        });
        subscriber.SessionLost += (_, _) => sessionLost.TrySetResult();
        var collector = new MessageCollector();
        await using var sub = await subscriber.SubscribeAsync("after/restart", collector.Handler);

        await broker.RestartAsync();
        await sessionLost.Task.WithTimeout(TimeSpan.FromSeconds(20), "the SessionLost event");
        Assert.Equal(1, subscriber.GetStats().SessionsLost);
        await Eventually.WaitAsync(() => subscriber.State == ConnectionState.Connected, "the subscriber is connected again");

        await using var publisher = await TestClients.ConnectAsync(broker);
        await publisher.PublishAsync("after/restart", "still subscribed");
        await collector.WaitForAsync(1);
    }
}
