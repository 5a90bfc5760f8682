using Switchboard.Tests.Protocol.Fakes;
using static Switchboard.Tests.Protocol.Fakes.BrokerPackets;

namespace Switchboard.Tests.Protocol;

/// <summary>The supervisor with a list of brokers: order, staying, moving on, backoff per round, fatal refusals.</summary>
public sealed class BrokerFailoverTests
{
    private const string ThreeBrokers = "mqtt://a:1883,mqtt://b:1883,mqtt://c:1883";

    // Not the connect timeout (10 s), so the fake clock's timers of the two can be told apart.
    private static readonly TimeSpan RoundDelay = TimeSpan.FromSeconds(7);

    private static SupervisorHarness Harness(Action<SwitchboardOptions>? configure = null) => new(o =>
    {
        o.Url = ThreeBrokers;
        configure?.Invoke(o);
    });

    private static string[] Hosts(IEnumerable<BrokerEndpoint> endpoints) => [.. endpoints.Select(e => e.Host)];

    [Fact]
    public async Task The_first_connect_tries_the_brokers_in_order_and_stays_on_the_first_that_works()
    {
        await using var harness = Harness();
        harness.Broker.Down.Add("a");
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var b = await harness.NextToAsync("b");
        await b.SendAsync(ConnAck(MqttProtocol.V500, 0));
        await connecting.WaitAsync(SupervisorHarness.Timeout);

        Assert.Equal(["a", "b"], Hosts(harness.Broker.Dialed));
        Assert.Equal("b", harness.Supervisor.Endpoint.Host);
        Assert.Equal("b", harness.LiveSession.Endpoint.Host);
        Assert.Equal(
            [(ConnectionState.Connecting, "mqtt://a:1883"), (ConnectionState.Connected, "mqtt://b:1883")],
            harness.Changes.Select(c => (c.Current, c.Broker.ToString())));
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("Connecting to mqtt://a:1883 failed", StringComparison.Ordinal) && e.Message.Contains("trying the next broker, mqtt://b:1883", StringComparison.Ordinal));

        // Staying: nothing else is dialed while b works, and no delay was asked of the retry policy between brokers.
        Assert.Empty(harness.RetryPolicy.Calls);
        Assert.True(b.NothingReceived);
        Assert.Equal(2, harness.Broker.Dialed.Count);
    }

    [Fact]
    public async Task Without_retrying_the_first_connect_one_round_is_made_and_the_last_error_thrown()
    {
        await using var harness = Harness();
        harness.Broker.Down.UnionWith(["a", "b", "c"]);

        var error = await Assert.ThrowsAsync<MqttConnectionException>(() => harness.Supervisor.ConnectAsync(CancellationToken.None).WaitAsync(SupervisorHarness.Timeout));

        Assert.False(error.IsFatal);
        Assert.Contains("mqtt://c:1883", error.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b", "c"], Hosts(harness.Broker.Dialed));
        Assert.Equal(ConnectionState.Disconnected, harness.Supervisor.State);
    }

    [Fact]
    public async Task A_first_connect_cancelled_while_its_retried_attempt_fails_ends_cancelled_not_with_that_attempts_error()
    {
        // A host's start timeout firing mid-attempt (a CI flake of the Hosting test): retrying was asked for, so the
        // caller's cancellation is the outcome; the attempt's error is the cause and stays in the stats.
        await using var harness = Harness(o => o.RetryFirstConnect = true);
        harness.Broker.Down.UnionWith(["a", "b", "c"]);
        using var caller = new CancellationTokenSource();
        harness.Broker.Dialing = endpoint =>
        {
            // The round's last broker: its refusal is the error the round would end with.
            if (endpoint.Host == "c")
            {
                caller.Cancel();
            }
        };

        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.Supervisor.ConnectAsync(caller.Token).WaitAsync(SupervisorHarness.Timeout));

        Assert.IsType<MqttConnectionException>(cancelled.InnerException);
        Assert.Equal(caller.Token, cancelled.CancellationToken);
        Assert.Equal(ConnectionState.Disconnected, harness.Supervisor.State);
    }

    [Fact]
    public async Task The_retry_delay_comes_once_per_round_not_once_per_broker()
    {
        await using var harness = Harness(o => o.RetryFirstConnect = true);
        harness.RetryPolicy.Delay = RoundDelay;
        harness.Broker.Down.UnionWith(["a", "b", "c"]);
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);

        // Round 1: all three at once, then one delay.
        await harness.Time.WaitForTimerAsync(RoundDelay, 1);
        Assert.Equal(["a", "b", "c"], Hosts(harness.Broker.Dialed));
        Assert.Equal([1], harness.RetryPolicy.Calls.Select(c => c.Attempt));

        // Round 2: the same three (each round starts with the first broker on a first connect), then a second delay.
        harness.Time.Advance(RoundDelay);
        await harness.Time.WaitForTimerAsync(RoundDelay, 2);
        Assert.Equal(["a", "b", "c", "a", "b", "c"], Hosts(harness.Broker.Dialed));
        Assert.Equal([1, 2], harness.RetryPolicy.Calls.Select(c => c.Attempt));

        // b comes back: round 3 finds it after a.
        harness.Broker.Down.Remove("b");
        harness.Time.Advance(RoundDelay);
        var b = await harness.NextToAsync("b");
        await b.SendAsync(ConnAck(MqttProtocol.V500, 0));
        await connecting.WaitAsync(SupervisorHarness.Timeout);
        Assert.Equal(["a", "b", "c", "a", "b", "c", "a", "b"], Hosts(harness.Broker.Dialed));
        Assert.Equal(ConnectionState.Connected, harness.Supervisor.State);
        Assert.Equal(2, harness.Time.Created(RoundDelay));
    }

    [Fact]
    public async Task A_lost_broker_moves_the_client_to_the_next_one_and_the_list_wraps()
    {
        await using var harness = Harness();
        var a = await harness.ConnectAsync();
        Assert.Equal("a", a.Endpoint.Host);

        a.Close();
        var b = await harness.NextToAsync("b");
        await b.SendAsync(ConnAck(MqttProtocol.V500, 0));
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);

        b.Close();
        var c = await harness.NextToAsync("c");
        await c.SendAsync(ConnAck(MqttProtocol.V500, 0));
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 3);

        c.Close();
        var again = await harness.NextToAsync("a");
        await again.SendAsync(ConnAck(MqttProtocol.V500, 0));
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 4);

        Assert.Equal(3, harness.Counters.Reconnects);
        Assert.Equal(
            ["a", "a", "b", "b", "c", "c", "a"],
            harness.Changes.Skip(1).Select(c => c.Broker.Host));
        Assert.Equal(
            [ConnectionState.Connected, ConnectionState.Reconnecting, ConnectionState.Connected, ConnectionState.Reconnecting, ConnectionState.Connected, ConnectionState.Reconnecting, ConnectionState.Connected],
            harness.Changes.Skip(1).Select(c => c.Current));
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("Connected to mqtt://c:1883", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reconnect_rounds_start_after_the_lost_broker_and_wait_once_per_round()
    {
        await using var harness = Harness();
        var a = await harness.ConnectAsync();
        harness.RetryPolicy.Delay = RoundDelay;
        harness.Broker.Down.UnionWith(["a", "b", "c"]);

        a.Close();
        await harness.Time.AdvanceWhenArmedAsync(RoundDelay, 1);
        await harness.Time.WaitForTimerAsync(RoundDelay, 2);
        Assert.Equal(["a", "b", "c", "a"], Hosts(harness.Broker.Dialed));

        harness.Broker.Down.Remove("a");
        harness.Time.Advance(RoundDelay);
        var back = await harness.NextToAsync("a");
        await back.SendAsync(ConnAck(MqttProtocol.V500, 0));
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
        Assert.Equal(["a", "b", "c", "a", "b", "c", "a"], Hosts(harness.Broker.Dialed));
    }

    [Fact]
    public async Task A_fatal_refusal_from_one_broker_faults_the_client_without_trying_the_others()
    {
        await using var harness = Harness(o => o.RetryFirstConnect = true);
        harness.Broker.Down.Add("a");
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var b = await harness.NextToAsync("b");
        await b.SendAsync(ConnAck(MqttProtocol.V500, 0x86));

        var error = await Assert.ThrowsAsync<MqttConnectionException>(() => connecting.WaitAsync(SupervisorHarness.Timeout));
        Assert.True(error.IsFatal);
        Assert.Equal(0x86, error.ReasonCode);
        Assert.Contains("mqtt://b:1883", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], Hosts(harness.Broker.Dialed));
        Assert.Equal(ConnectionState.Faulted, harness.Supervisor.State);
        Assert.Equal("b", harness.Changes[^1].Broker.Host);
    }

    [Fact]
    public async Task A_fatal_refusal_on_a_reconnect_faults_too()
    {
        await using var harness = Harness();
        var a = await harness.ConnectAsync();
        a.Close();
        var b = await harness.NextToAsync("b");
        await b.SendAsync(ConnAck(MqttProtocol.V500, 0x8A));

        var error = Assert.IsType<MqttConnectionException>(await harness.WaitForStateAsync(ConnectionState.Faulted));
        Assert.Equal(0x8A, error.ReasonCode);
        Assert.Equal(["a", "b"], Hosts(harness.Broker.Dialed));
    }

    [Fact]
    public async Task A_connect_timeout_moves_on_to_the_next_broker()
    {
        await using var harness = Harness(o => o.ConnectTimeout = TimeSpan.FromSeconds(3));
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var a = await harness.NextToAsync("a");
        a.BlackHole();
        await harness.Time.AdvanceWhenArmedAsync(TimeSpan.FromSeconds(3), 1);

        var b = await harness.NextToAsync("b");
        await b.SendAsync(ConnAck(MqttProtocol.V500, 0));
        await connecting.WaitAsync(SupervisorHarness.Timeout);
        Assert.Equal("b", harness.Supervisor.Endpoint.Host);
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("timed out", StringComparison.Ordinal) && e.Message.Contains("trying the next broker, mqtt://b:1883", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_broker_gets_its_own_credentials()
    {
        await using var harness = Harness(o =>
        {
            o.Url = "mqtt://alice:pw@a,mqtt://b";
            o.Username = "fallback-user";
            o.Password = "fallback-pw";
        });
        harness.Broker.Down.Add("a");
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var b = await harness.Broker.NextConnectionAsync();
        var (connect, _) = await b.ExpectConnectAsync();
        Assert.Equal("fallback-user", connect.Username);
        await b.SendAsync(ConnAck(MqttProtocol.V500, 0));
        await connecting.WaitAsync(SupervisorHarness.Timeout);

        harness.Broker.Down.Clear();
        b.Close();
        var a = await harness.Broker.NextConnectionAsync();
        (connect, _) = await a.ExpectConnectAsync();
        Assert.Equal("a", a.Endpoint.Host);
        Assert.Equal("alice", connect.Username);
        Assert.Equal("pw", System.Text.Encoding.UTF8.GetString(connect.Password));
    }

    [Fact]
    public async Task A_reconnect_the_client_asks_for_itself_stays_on_the_same_broker()
    {
        await using var harness = Harness();
        var a = await harness.ConnectAsync();

        // What the dispatcher does when withheld acknowledgements fill half the window: reconnect for redelivery.
        harness.LiveSession.MarkLost(ExceptionFactory.WindowStalled(harness.LiveSession.Endpoint, 10));

        var again = await harness.NextToAsync("a");
        await again.SendAsync(ConnAck(MqttProtocol.V500, 0));
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
        Assert.Equal(["a", "a"], Hosts(harness.Broker.Dialed));
    }

    [Fact]
    public async Task A_single_broker_behaves_as_before()
    {
        await using var harness = new SupervisorHarness();
        var first = await harness.ConnectAsync();
        first.Close();
        await harness.AcceptAsync();
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
        Assert.Equal(["broker.test", "broker.test"], Hosts(harness.Broker.Dialed));
        Assert.All(harness.Changes, c => Assert.Equal("mqtt://broker.test:1883", c.Broker.ToString()));
    }
}
