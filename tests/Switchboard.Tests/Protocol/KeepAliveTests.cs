using Switchboard.Tests.Protocol.Fakes;
using static Switchboard.Tests.Protocol.Fakes.BrokerPackets;

namespace Switchboard.Tests.Protocol;

/// <summary>
/// Keep-alive on the fake clock: a PINGREQ every half keep-alive, a watchdog on its PINGRESP, and the connect timeout.
/// The clock is advanced only once the timer it should fire has been armed.
/// </summary>
public sealed class KeepAliveTests
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Half = KeepAlive / 2;

    [Fact]
    public async Task Half_the_keep_alive_sends_a_pingreq_and_a_pingresp_keeps_the_connection()
    {
        await using var harness = new SupervisorHarness(o => o.KeepAlive = KeepAlive);
        var connection = await harness.ConnectAsync();

        // Timer 1: the watchdog's wait of half the keep-alive.
        await harness.Time.AdvanceWhenArmedAsync(Half, 1);
        await connection.ExpectAsync(PacketType.PingReq);
        await connection.SendAsync(PingResp);

        // Timer 2 is the PINGRESP deadline; timer 3 the next wait, armed only once the PINGRESP was taken.
        await harness.Time.AdvanceWhenArmedAsync(Half, 3);
        await connection.ExpectAsync(PacketType.PingReq);
        await connection.SendAsync(PingResp);
        await harness.Time.WaitForTimerAsync(Half, 5);

        Assert.Equal(ConnectionState.Connected, harness.Supervisor.State);
        Assert.True(harness.LiveSession.IsAlive);
        Assert.Equal(1, harness.Broker.ConnectionCount);
    }

    [Fact]
    public async Task A_broker_that_stops_answering_loses_the_session_with_a_keep_alive_timeout_and_reconnects()
    {
        await using var harness = new SupervisorHarness(o => o.KeepAlive = KeepAlive);
        var connection = await harness.ConnectAsync();
        var session = harness.LiveSession;

        await harness.Time.AdvanceWhenArmedAsync(Half, 1);
        await connection.ExpectAsync(PacketType.PingReq);
        connection.BlackHole();

        // Not yet: the deadline is half the keep-alive after the PINGREQ.
        await harness.Time.WaitForTimerAsync(Half, 2);
        harness.Time.Advance(Half - TimeSpan.FromMilliseconds(1));
        Assert.True(session.IsAlive);
        harness.Time.Advance(TimeSpan.FromMilliseconds(1));

        var reason = Assert.IsType<MqttConnectionException>(await session.LostTask.WaitAsync(SupervisorHarness.Timeout));
        Assert.Equal(0x8D, reason.ReasonCode);
        Assert.False(reason.IsFatal);
        Assert.Contains("did not answer a ping within 5 s", reason.Message, StringComparison.Ordinal);

        var error = await harness.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Same(reason, error);
        await harness.AcceptAsync();
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
        Assert.Equal(2, harness.Broker.ConnectionCount);
    }

    [Fact]
    public async Task A_pingresp_queued_behind_a_large_message_that_is_still_arriving_does_not_kill_the_connection()
    {
        // Mosquitto 2.0's WebSocket listener sends 4 KB per 100 ms: a 2 MB message takes most of a minute, and the
        // PINGRESP comes after it. Bytes arriving say the connection is alive; only silence is a dead connection.
        await using var harness = new SupervisorHarness(o => o.KeepAlive = KeepAlive);
        var connection = await harness.ConnectAsync();
        var session = harness.LiveSession;
        var before = session.BytesReceived;
        var payload = new byte[200_000];
        Random.Shared.NextBytes(payload);
        var publish = Publish(harness.Protocol, "big/one", Qos.AtMostOnce, 0, payload);
        var thirds = new[] { publish[..(publish.Length / 3)], publish[(publish.Length / 3)..(2 * publish.Length / 3)], publish[(2 * publish.Length / 3)..] };

        await harness.Time.AdvanceWhenArmedAsync(Half, 1);
        await connection.ExpectAsync(PacketType.PingReq);
        var sent = 0L;
        for (var i = 0; i < 2; i++)
        {
            // A third of the message arrives within each PINGRESP deadline (timers 2 and 3).
            await connection.SendAsync(thirds[i]);
            sent += thirds[i].Length;
            await Eventually.WaitUntilAsync(() => session.BytesReceived >= before + sent, "the part of the message to be read");
            await harness.Time.AdvanceWhenArmedAsync(Half, 2 + i);
            await connection.ExpectAsync(PacketType.PingReq);
            Assert.True(session.IsAlive);
        }

        await connection.SendAsync([.. thirds[2], .. PingResp]);
        await Eventually.WaitUntilAsync(() => !harness.Received.IsEmpty, "the large message to be handed on");
        Assert.True(payload.AsSpan().SequenceEqual(harness.Received.Single().Payload.Span));

        // Now silence: the next deadline after a PINGREQ with nothing arriving ends the connection.
        await harness.Time.AdvanceWhenArmedAsync(Half, 5);
        await connection.ExpectAsync(PacketType.PingReq);
        await harness.Time.AdvanceWhenArmedAsync(Half, 6);
        var reason = Assert.IsType<MqttConnectionException>(await session.LostTask.WaitAsync(SupervisorHarness.Timeout));
        Assert.Contains("did not answer a ping", reason.Message, StringComparison.Ordinal);
        Assert.Equal(1, harness.Broker.ConnectionCount);
    }

    [Fact]
    public async Task A_connect_without_connack_times_out_after_the_connect_timeout()
    {
        var connectTimeout = TimeSpan.FromSeconds(3);
        await using var harness = new SupervisorHarness(o => o.ConnectTimeout = connectTimeout);
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var connection = await harness.Broker.NextConnectionAsync();
        await connection.ExpectConnectAsync();

        await harness.Time.WaitForTimerAsync(connectTimeout, 1);
        harness.Time.Advance(connectTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(connecting.IsCompleted);
        harness.Time.Advance(TimeSpan.FromMilliseconds(1));

        var error = await Assert.ThrowsAsync<MqttConnectionException>(() => connecting.WaitAsync(SupervisorHarness.Timeout));
        Assert.False(error.IsFatal);
        Assert.Contains("timed out after 3 s", error.Message, StringComparison.Ordinal);
        await connection.ClientClosed.WaitAsync(SupervisorHarness.Timeout);
        Assert.Equal(ConnectionState.Disconnected, harness.Supervisor.State);
    }
}
