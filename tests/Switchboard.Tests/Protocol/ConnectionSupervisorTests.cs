using Switchboard.Tests.Protocol.Fakes;
using static Switchboard.Tests.Protocol.Fakes.BrokerPackets;

namespace Switchboard.Tests.Protocol;

/// <summary>The supervisor's state machine against a broker played by the test: connect, fallback, DISCONNECT, reconnect.</summary>
public sealed class ConnectionSupervisorTests
{
    [Fact]
    public async Task Connecting_then_connected_in_that_order_with_the_connect_the_options_ask_for()
    {
        await using var harness = new SupervisorHarness(o => o.KeepAlive = TimeSpan.FromSeconds(30));
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var connection = await harness.Broker.NextConnectionAsync();
        var (connect, protocol) = await connection.ExpectConnectAsync();

        Assert.Equal(MqttProtocol.V500, protocol);
        Assert.Equal("engine-test", connect.ClientId);
        Assert.Equal(30, connect.KeepAlivePeriod);
        Assert.Null(connect.Username);
        Assert.Null(connect.Password);
        Assert.Equal(ConnectionState.Connecting, harness.Supervisor.State);
        Assert.False(connecting.IsCompleted);

        await connection.SendAsync(ConnAck(protocol, 0));
        await connecting.WaitAsync(SupervisorHarness.Timeout);

        Assert.Equal(ConnectionState.Connected, harness.Supervisor.State);
        Assert.Equal(
            [(ConnectionState.Disconnected, ConnectionState.Connecting), (ConnectionState.Connecting, ConnectionState.Connected)],
            harness.Changes.Select(c => (c.Previous, c.Current)));
        Assert.All(harness.Changes, c => Assert.Null(c.Error));
        Assert.False(harness.LiveSession.SessionPresent);
        Assert.Equal(0, harness.Counters.Reconnects);
    }

    [Theory]
    [InlineData(MqttProtocol.V500)]
    [InlineData(MqttProtocol.V311)]
    public async Task A_connack_with_session_present_is_reported(MqttProtocol protocol)
    {
        await using var harness = new SupervisorHarness(o =>
        {
            o.Protocol = protocol;
            o.CleanStart = false;
            o.SessionExpiry = TimeSpan.FromMinutes(5);
        });
        await harness.ConnectAsync(sessionPresent: true);

        Assert.True(harness.LiveSession.SessionPresent);
        Assert.Equal(protocol, harness.LiveSession.Protocol);
    }

    [Fact]
    public async Task A_v5_connect_answered_by_a_311_connack_refusing_the_version_falls_back_to_311()
    {
        await using var harness = new SupervisorHarness();
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);

        var first = await harness.Broker.NextConnectionAsync();
        var (_, firstProtocol) = await first.ExpectConnectAsync();
        Assert.Equal(MqttProtocol.V500, firstProtocol);

        // What a 3.1.1-only broker answers: return code 1, unacceptable protocol version.
        await first.SendAsync(ConnAck(MqttProtocol.V311, 1));
        await first.ClientClosed.WaitAsync(SupervisorHarness.Timeout);

        var second = await harness.Broker.NextConnectionAsync();
        var (_, secondProtocol) = await second.ExpectConnectAsync();
        Assert.Equal(MqttProtocol.V311, secondProtocol);
        await second.SendAsync(ConnAck(MqttProtocol.V311, 0));
        await connecting.WaitAsync(SupervisorHarness.Timeout);

        Assert.Equal(ConnectionState.Connected, harness.Supervisor.State);
        Assert.Equal(MqttProtocol.V311, harness.Supervisor.Protocol);
        Assert.Equal(MqttProtocol.V311, harness.LiveSession.Protocol);
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("3.1.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_311_broker_that_refuses_311_too_faults_the_client()
    {
        await using var harness = new SupervisorHarness();
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var first = await harness.Broker.NextConnectionAsync();
        await first.ExpectConnectAsync();
        await first.SendAsync(ConnAck(MqttProtocol.V311, 1));
        var second = await harness.Broker.NextConnectionAsync();
        await second.ExpectConnectAsync();
        await second.SendAsync(ConnAck(MqttProtocol.V311, 1));

        var error = await Assert.ThrowsAsync<MqttConnectionException>(() => connecting.WaitAsync(SupervisorHarness.Timeout));
        Assert.True(error.IsFatal);
        Assert.Equal(0x84, error.ReasonCode);
        Assert.Contains("protocol version", error.Message, StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Faulted, harness.Supervisor.State);
    }

    [Fact]
    public async Task A_disconnect_with_a_fatal_code_faults_the_client_without_reconnecting()
    {
        await using var harness = new SupervisorHarness();
        var connection = await harness.ConnectAsync();

        await connection.SendAsync(Disconnect(0x8E));

        var error = Assert.IsType<MqttConnectionException>(await harness.WaitForStateAsync(ConnectionState.Faulted));
        Assert.True(error.IsFatal);
        Assert.Equal(0x8E, error.ReasonCode);
        Assert.Contains("took over the session", error.Message, StringComparison.Ordinal);
        Assert.Same(error, harness.Supervisor.Fault);
        Assert.Equal([error], harness.Faults);
        Assert.DoesNotContain(harness.Changes, c => c.Current == ConnectionState.Reconnecting);
        Assert.Equal(1, harness.Broker.ConnectionCount);
        await Assert.ThrowsAsync<MqttConnectionException>(() => harness.Supervisor.WaitForSessionAsync(CancellationToken.None).WaitAsync(SupervisorHarness.Timeout));
    }

    [Fact]
    public async Task A_disconnect_with_a_transient_code_reconnects()
    {
        await using var harness = new SupervisorHarness();
        var first = await harness.ConnectAsync();

        // 0x8B: the broker is shutting down; another instance (or the restarted one) will take us.
        await first.SendAsync(Disconnect(0x8B));

        var error = Assert.IsType<MqttConnectionException>(await harness.WaitForStateAsync(ConnectionState.Reconnecting));
        Assert.False(error.IsFatal);
        Assert.Equal(0x8B, error.ReasonCode);
        Assert.Contains("shutting down", error.Message, StringComparison.Ordinal);

        await harness.AcceptAsync();
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
        Assert.Equal(
            [ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Reconnecting, ConnectionState.Connected],
            harness.Changes.Select(c => c.Current));
        Assert.Equal(1, harness.Counters.Reconnects);
        var session = await harness.Supervisor.WaitForSessionAsync(CancellationToken.None).WaitAsync(SupervisorHarness.Timeout);
        Assert.True(session.IsAlive);
        Assert.Equal(2, session.Epoch);
    }

    [Fact]
    public async Task The_broker_closing_the_connection_reconnects()
    {
        await using var harness = new SupervisorHarness();
        var first = await harness.ConnectAsync();

        first.Close();

        var error = await harness.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Contains("closed the connection", error!.Message, StringComparison.Ordinal);
        await harness.AcceptAsync();
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
    }

    [Fact]
    public async Task Stopping_sends_a_normal_disconnect_and_ends_in_disconnected()
    {
        await using var harness = new SupervisorHarness();
        var connection = await harness.ConnectAsync();

        await harness.Supervisor.StopAsync(CancellationToken.None).WaitAsync(SupervisorHarness.Timeout);

        await connection.ExpectAsync(PacketType.Disconnect);
        await connection.ClientClosed.WaitAsync(SupervisorHarness.Timeout);
        Assert.Equal(ConnectionState.Disconnected, harness.Supervisor.State);
        Assert.Equal(1, harness.Broker.ConnectionCount);
    }
}
