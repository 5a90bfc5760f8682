using Switchboard.Tests.Protocol.Fakes;
using static Switchboard.Tests.Protocol.Fakes.BrokerPackets;

namespace Switchboard.Tests.Protocol;

/// <summary>MQTT 5 server redirection (0x9C use another server, 0x9D server moved, with a Server Reference) in a
/// CONNACK or a DISCONNECT: followed, bounded, loop-safe, logged.</summary>
public sealed class ServerRedirectionTests
{
    private const byte UseAnotherServer = 0x9C;
    private const byte ServerMoved = 0x9D;

    private static SupervisorHarness Harness(string url, Action<SwitchboardOptions>? configure = null) => new(o =>
    {
        o.Url = url;
        configure?.Invoke(o);
    });

    private static async Task Accept(FakeBrokerConnection connection) => await connection.SendAsync(ConnAck(MqttProtocol.V500, 0));

    [Fact]
    public async Task A_connack_use_another_server_sends_this_connection_there_only()
    {
        await using var harness = Harness("mqtt://a:1883");
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var a = await harness.NextToAsync("a");
        await a.SendAsync(ConnAckRedirect(UseAnotherServer, "b:1999"));
        var b = await harness.NextToAsync("b", 1999);
        await Accept(b);
        await connecting.WaitAsync(SupervisorHarness.Timeout);

        Assert.Equal("mqtt://b:1999", harness.Supervisor.Endpoint.ToString());
        Assert.Equal("mqtt://b:1999", harness.Changes[^1].Broker.ToString());
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("Broker mqtt://a:1883 redirects the client to mqtt://b:1999 (use another server, reason code 156); redirection 1 of at most 5", StringComparison.Ordinal));
        Assert.Empty(harness.RetryPolicy.Calls);

        // Temporary: the next connection goes back to the list's entry.
        b.Close();
        var again = await harness.NextToAsync("a", 1883);
        await Accept(again);
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
        Assert.Equal("mqtt://a:1883", Assert.Single(harness.Supervisor.Brokers).ToString());
    }

    [Fact]
    public async Task A_connack_server_moved_replaces_the_entry_for_later_connections()
    {
        await using var harness = Harness("mqtts://a:8884", o => o.TlsInsecure = true);
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var a = await harness.NextToAsync("a");
        await a.SendAsync(ConnAckRedirect(ServerMoved, "b"));
        var b = await harness.NextToAsync("b", 8884);
        Assert.True(b.Endpoint.UseTls);
        await Accept(b);
        await connecting.WaitAsync(SupervisorHarness.Timeout);
        Assert.Equal("mqtts://b:8884", Assert.Single(harness.Supervisor.Brokers).ToString());
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("has moved to mqtts://b:8884; it replaces broker 1 of the list", StringComparison.Ordinal));

        b.Close();
        await Accept(await harness.NextToAsync("b", 8884));
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
        Assert.Equal(["a", "b", "b"], harness.Broker.Dialed.Select(d => d.Host));
    }

    [Fact]
    public async Task A_disconnect_use_another_server_reconnects_there_then_returns_to_the_list()
    {
        await using var harness = Harness("mqtt://a:1883,mqtt://c:1883");
        var a = await harness.ConnectAsync();

        await a.SendAsync(DisconnectRedirect(UseAnotherServer, "b:1999"));
        var lost = Assert.IsType<MqttConnectionException>(await harness.WaitForStateAsync(ConnectionState.Reconnecting));
        Assert.False(lost.IsFatal);
        Assert.Equal(UseAnotherServer, lost.ReasonCode);
        Assert.Contains("server reference \"b:1999\"", lost.Message, StringComparison.Ordinal);
        Assert.Equal("a", harness.Changes[^1].Broker.Host);

        var b = await harness.NextToAsync("b", 1999);
        await Accept(b);
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
        Assert.Equal("b", harness.Changes[^1].Broker.Host);

        // b was a's stand-in: losing it moves on to the entry after a.
        b.Close();
        await Accept(await harness.NextToAsync("c"));
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 3);
        Assert.Equal(["mqtt://a:1883", "mqtt://c:1883"], harness.Supervisor.Brokers.Select(e => e.ToString()));
    }

    [Fact]
    public async Task A_disconnect_server_moved_replaces_the_entry()
    {
        await using var harness = Harness("mqtt://a:1883");
        var a = await harness.ConnectAsync();

        await a.SendAsync(DisconnectRedirect(ServerMoved, "mqtt://b:1884"));
        var b = await harness.NextToAsync("b", 1884);
        await Accept(b);
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
        Assert.Equal("mqtt://b:1884", Assert.Single(harness.Supervisor.Brokers).ToString());

        b.Close();
        await Accept(await harness.NextToAsync("b", 1884));
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 3);
    }

    [Fact]
    public async Task A_redirection_loop_is_cut_and_counts_as_a_failure_of_the_broker()
    {
        await using var harness = Harness("mqtt://a:1883,mqtt://c:1883");
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var a = await harness.NextToAsync("a");
        await a.SendAsync(ConnAckRedirect(UseAnotherServer, "b"));
        var b = await harness.NextToAsync("b");
        await b.SendAsync(ConnAckRedirect(UseAnotherServer, "a:1883"));

        // Not back to a: the loop is seen, and the list goes on with c.
        var c = await harness.NextToAsync("c");
        await Accept(c);
        await connecting.WaitAsync(SupervisorHarness.Timeout);
        Assert.Equal(["a", "b", "c"], harness.Broker.Dialed.Select(d => d.Host));
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("Not following the redirection from mqtt://b:1883 to 'a:1883'", StringComparison.Ordinal) && e.Message.Contains("(a loop)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task At_most_five_redirections_are_followed_in_a_row()
    {
        await using var harness = Harness("mqtt://a:1883");
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var current = await harness.NextToAsync("a");
        for (var hop = 1; hop <= 6; hop++)
        {
            await current.SendAsync(ConnAckRedirect(UseAnotherServer, $"hop{hop}"));
            if (hop <= ConnectionSupervisor.MaxRedirections)
            {
                current = await harness.NextToAsync($"hop{hop}");
            }
        }

        var error = await Assert.ThrowsAsync<MqttConnectionException>(() => connecting.WaitAsync(SupervisorHarness.Timeout));
        Assert.False(error.IsFatal);
        Assert.Equal(UseAnotherServer, error.ReasonCode);
        Assert.Contains("The redirection was not followed: 5 redirections in a row without a connection", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "hop1", "hop2", "hop3", "hop4", "hop5"], harness.Broker.Dialed.Select(d => d.Host));
    }

    [Fact]
    public async Task Without_a_server_reference_the_codes_move_on_to_the_next_broker()
    {
        await using var harness = Harness("mqtt://a:1883,mqtt://b:1883");
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var a = await harness.NextToAsync("a");
        await a.SendAsync(ConnAck(MqttProtocol.V500, ServerMoved));
        await Accept(await harness.NextToAsync("b"));
        await connecting.WaitAsync(SupervisorHarness.Timeout);
        Assert.Equal(["mqtt://a:1883", "mqtt://b:1883"], harness.Supervisor.Brokers.Select(e => e.ToString()));
    }

    [Fact]
    public async Task A_redirection_that_would_leave_tls_is_refused()
    {
        await using var harness = Harness("mqtts://a:8883", o => o.TlsInsecure = true);
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var a = await harness.NextToAsync("a");
        await a.SendAsync(ConnAckRedirect(UseAnotherServer, "mqtt://plain:1883"));

        var error = await Assert.ThrowsAsync<MqttConnectionException>(() => connecting.WaitAsync(SupervisorHarness.Timeout));
        Assert.Contains("it would leave TLS (mqtts) for mqtt", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a"], harness.Broker.Dialed.Select(d => d.Host));
    }

    [Fact]
    public async Task A_password_in_a_server_reference_shows_nowhere()
    {
        await using var harness = Harness("mqtts://a:8883", o => o.TlsInsecure = true);
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var a = await harness.NextToAsync("a");
        await a.SendAsync(ConnAckRedirect(UseAnotherServer, "mqtt://mallory:stolen-pw@plain:1883"));

        var error = await Assert.ThrowsAsync<MqttConnectionException>(() => connecting.WaitAsync(SupervisorHarness.Timeout));
        Assert.DoesNotContain("stolen-pw", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("mqtt://mallory:***@plain:1883", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Logger.Entries, e => e.Message.Contains("stolen-pw", StringComparison.Ordinal));
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("Not following the redirection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redirection_to_a_broker_that_is_down_goes_on_with_the_list()
    {
        await using var harness = Harness("mqtt://a:1883,mqtt://c:1883");
        harness.Broker.Down.Add("b");
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var a = await harness.NextToAsync("a");
        await a.SendAsync(ConnAckRedirect(UseAnotherServer, "b"));
        await Accept(await harness.NextToAsync("c"));
        await connecting.WaitAsync(SupervisorHarness.Timeout);
        Assert.Equal(["a", "b", "c"], harness.Broker.Dialed.Select(d => d.Host));
    }

    [Fact]
    public async Task A_successful_connection_ends_the_chain_so_later_redirections_are_followed_again()
    {
        await using var harness = Harness("mqtt://a:1883");
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var current = await harness.NextToAsync("a");
        for (var hop = 1; hop <= 5; hop++)
        {
            await current.SendAsync(ConnAckRedirect(UseAnotherServer, $"hop{hop}"));
            current = await harness.NextToAsync($"hop{hop}");
        }

        await Accept(current);
        await connecting.WaitAsync(SupervisorHarness.Timeout);

        // A new chain: the broker may send the client on again (even back to a, which the first chain visited).
        await current.SendAsync(DisconnectRedirect(UseAnotherServer, "a:1883"));
        await Accept(await harness.NextToAsync("a"));
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
    }
}
