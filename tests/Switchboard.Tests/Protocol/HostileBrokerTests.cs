using Switchboard.Tests.Protocol.Fakes;
using static Switchboard.Tests.Protocol.Fakes.BrokerPackets;

namespace Switchboard.Tests.Protocol;

/// <summary>
/// A broken or hostile broker: each thing it can send gives a clear error that names the problem and a reconnect —
/// never a crash, a hang, or an allocation the size of what a length field claims.
/// </summary>
public sealed class HostileBrokerTests
{
    public static TheoryData<MqttProtocol, byte[], string> Violations => new()
    {
        { MqttProtocol.V500, [0x00, 0x00], "(type 0), which a broker never sends" },
        { MqttProtocol.V500, [0x10, 0x00], "a Connect packet (type 1), which a broker never sends" },
        { MqttProtocol.V500, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "remaining length is longer than four bytes" },
        { MqttProtocol.V500, [0x62, 0x00], "malformed PUBREL" },
        { MqttProtocol.V311, [0xE0, 0x01, 0x00], "malformed DISCONNECT" },
        { MqttProtocol.V500, [0x20, 0x03, 0x00, 0x00, 0x00], "second CONNACK" },
        { MqttProtocol.V311, [0x20, 0x02, 0x00, 0x00], "second CONNACK" },
        { MqttProtocol.V500, Publish(MqttProtocol.V500, "a/b", Qos.AtLeastOnce, 0, [1]), "QoS 1 PUBLISH to 'a/b' with packet identifier 0" },
        { MqttProtocol.V311, Publish(MqttProtocol.V311, "a/b", Qos.ExactlyOnce, 0, [1]), "QoS 2 PUBLISH to 'a/b' with packet identifier 0" },
        { MqttProtocol.V500, PubAck(0), "packet identifier is 0" },
        { MqttProtocol.V500, Publish(MqttProtocol.V500, "a/+/b", Qos.AtMostOnce, 0, [1]), "invalid topic name 'a/+/b'" },
        { MqttProtocol.V311, Publish(MqttProtocol.V311, "a/#", Qos.AtLeastOnce, 3, [1]), "invalid topic name 'a/#'" },
        { MqttProtocol.V311, Publish(MqttProtocol.V311, string.Empty, Qos.AtMostOnce, 0, [1]), "malformed PUBLISH packet" },
        { MqttProtocol.V500, Frame(0x90, [0x00, 0x07, 0x00]), "malformed SUBACK" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task A_protocol_violation_loses_the_session_with_an_error_naming_it_and_reconnects(MqttProtocol protocol, byte[] hostile, string problem)
    {
        await using var harness = new SupervisorHarness(o => o.Protocol = protocol);
        var first = await harness.ConnectAsync();

        await first.SendAsync(hostile);

        var error = Assert.IsType<MqttConnectionException>(await harness.WaitForStateAsync(ConnectionState.Reconnecting));
        Assert.Contains("broke the MQTT protocol", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsFatal);
        Assert.IsType<MqttProtocolViolationException>(error.InnerException);
        await first.ClientClosed.WaitAsync(SupervisorHarness.Timeout);
        await AssertReconnectsAsync(harness);
    }

    [Fact]
    public async Task A_remaining_length_claiming_256_MB_then_a_close_is_a_clear_error_and_a_reconnect()
    {
        await using var harness = new SupervisorHarness();
        var first = await harness.ConnectAsync();

        await first.SendAsync([0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x01, (byte)'t', .. new byte[1000]]);
        first.Close();

        var error = await harness.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Contains("in the middle of a 268435460-byte packet (1008 bytes of it had arrived)", error!.Message, StringComparison.Ordinal);
        await AssertReconnectsAsync(harness);
    }

    [Fact]
    public async Task A_puback_for_an_unknown_packet_id_is_logged_and_ignored()
    {
        await using var harness = new SupervisorHarness();
        var connection = await harness.ConnectAsync();
        var session = harness.LiveSession;

        await connection.SendAsync(PubAck(4242));
        await connection.SendAsync(Frame(0x70, [0x10, 0x92])); // PUBCOMP for an unknown identifier too

        // A ping round trip: the acknowledgements before the PINGRESP have been handled when it completes.
        var ping = session.PingAsync(CancellationToken.None);
        await connection.ExpectAsync(PacketType.PingReq);
        await connection.SendAsync(PingResp);
        await ping.WaitAsync(SupervisorHarness.Timeout);

        Assert.True(session.IsAlive);
        Assert.Equal(ConnectionState.Connected, harness.Supervisor.State);
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("PubAck for packet identifier 4242, which nothing here waits for", StringComparison.Ordinal));
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("PubComp for packet identifier 4242", StringComparison.Ordinal));
        Assert.Empty(harness.Acknowledgements.Completed);
        Assert.Equal(1, harness.Broker.ConnectionCount);
    }

    [Theory]
    [InlineData(MqttProtocol.V500, new byte[] { 0x62, 0x03, 0x00, 0x4D, 0x92 })]
    [InlineData(MqttProtocol.V311, new byte[] { 0x62, 0x02, 0x00, 0x4D })]
    public async Task A_pubrec_for_an_unknown_packet_id_is_answered_with_pubrel_not_found(MqttProtocol protocol, byte[] expected)
    {
        await using var harness = new SupervisorHarness(o => o.Protocol = protocol);
        var connection = await harness.ConnectAsync();

        await connection.SendAsync(PubRec(77));

        Assert.Equal(expected, await connection.ExpectAsync(PacketType.PubRel));
        Assert.True(harness.LiveSession.IsAlive);
    }

    [Fact]
    public async Task A_suback_for_an_unknown_packet_id_is_logged_and_ignored()
    {
        await using var harness = new SupervisorHarness();
        var connection = await harness.ConnectAsync();

        await connection.SendAsync(SubAck(MqttProtocol.V500, 999, 0x01));
        var ping = harness.LiveSession.PingAsync(CancellationToken.None);
        await connection.ExpectAsync(PacketType.PingReq);
        await connection.SendAsync(PingResp);
        await ping.WaitAsync(SupervisorHarness.Timeout);

        Assert.True(harness.LiveSession.IsAlive);
        Assert.Contains(harness.Logger.Entries, e => e.Message.Contains("SUBACK for packet identifier 999", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(MqttProtocol.V311, 2, 1)]
    [InlineData(MqttProtocol.V311, 1, 2)]
    [InlineData(MqttProtocol.V500, 1, 2)]
    public async Task A_suback_with_the_wrong_number_of_reason_codes_is_a_violation_and_a_reconnect(MqttProtocol protocol, int filters, int codes)
    {
        await using var harness = new SupervisorHarness(o => o.Protocol = protocol);
        var first = await harness.ConnectAsync();
        var requests = Enumerable.Range(0, filters).Select(i => new SubscribeRequest($"t/{i}", Qos.AtLeastOnce)).ToArray();
        var subscribing = harness.LiveSession.SubscribeAsync(requests, 1, CancellationToken.None);
        var id = PacketIdAfterHeader(await first.ExpectAsync(PacketType.Subscribe));

        await first.SendAsync(SubAck(protocol, id, [.. Enumerable.Repeat((byte)1, codes)]));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => subscribing.WaitAsync(SupervisorHarness.Timeout));
        var error = await harness.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Contains($"SUBACK with {codes} reason code(s) for packet identifier {id}, whose request had {filters} topic filter(s)", error!.Message, StringComparison.Ordinal);
        Assert.Contains("reason code(s)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Session.Ids.Count);
        await AssertReconnectsAsync(harness);
    }

    [Fact]
    public async Task An_unsuback_with_the_wrong_number_of_reason_codes_is_a_violation()
    {
        await using var harness = new SupervisorHarness();
        var first = await harness.ConnectAsync();
        var unsubscribing = harness.LiveSession.UnsubscribeAsync(["a", "b"], CancellationToken.None);
        var id = PacketIdAfterHeader(await first.ExpectAsync(PacketType.Unsubscribe));

        await first.SendAsync(Frame(0xB0, [(byte)(id >> 8), (byte)id, 0, 0x00]));

        await Assert.ThrowsAnyAsync<Exception>(() => unsubscribing.WaitAsync(SupervisorHarness.Timeout));
        var error = await harness.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Contains("UNSUBACK with 1 reason code(s)", error!.Message, StringComparison.Ordinal);
        await AssertReconnectsAsync(harness);
    }

    [Fact]
    public async Task A_broker_that_accepts_and_never_answers_times_out_and_is_tried_again()
    {
        var connectTimeout = TimeSpan.FromSeconds(4);
        await using var harness = new SupervisorHarness(o => o.ConnectTimeout = connectTimeout);
        var first = await harness.ConnectAsync();
        first.Close();
        await harness.WaitForStateAsync(ConnectionState.Reconnecting);

        var silent = await harness.Broker.NextConnectionAsync();
        await silent.ExpectConnectAsync();
        silent.BlackHole();
        await harness.Time.AdvanceWhenArmedAsync(connectTimeout, 2);

        await silent.ClientClosed.WaitAsync(SupervisorHarness.Timeout);
        await AssertReconnectsAsync(harness);
        Assert.Equal(3, harness.Broker.ConnectionCount);
        Assert.Contains(harness.RetryPolicy.Calls, c => c.Error is MqttConnectionException e && e.Message.Contains("timed out after 4 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_broker_that_never_answers_a_subscribe_does_not_hang_the_session_when_the_caller_gives_up()
    {
        await using var harness = new SupervisorHarness();
        var connection = await harness.ConnectAsync();
        using var giveUp = new CancellationTokenSource();
        var subscribing = harness.LiveSession.SubscribeAsync([new SubscribeRequest("t", Qos.AtLeastOnce)], 1, giveUp.Token);
        await connection.ExpectAsync(PacketType.Subscribe);

        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscribing.WaitAsync(SupervisorHarness.Timeout));
        Assert.Equal(0, harness.Session.Ids.Count);
        Assert.True(harness.LiveSession.IsAlive);
    }

    private static async Task AssertReconnectsAsync(SupervisorHarness harness)
    {
        var next = await harness.Broker.NextConnectionAsync();
        var (_, protocol) = await next.ExpectConnectAsync();
        await next.SendAsync(ConnAck(protocol, 0));
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
        Assert.True(harness.LiveSession.IsAlive);
    }
}
