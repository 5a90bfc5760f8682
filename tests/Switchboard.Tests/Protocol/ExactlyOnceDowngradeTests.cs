using Microsoft.Extensions.Logging;
using Switchboard.Tests.Protocol.Fakes;
using static Switchboard.Tests.Protocol.Fakes.BrokerPackets;

namespace Switchboard.Tests.Protocol;

/// <summary>
/// A broker without QoS 2 (RabbitMQ's MQTT plugin before 3.13) answers a QoS 2 publish with PUBACK, as for QoS 1. The
/// broker has the message: the publish is done (warned about once per connection, event 70), not a protocol violation
/// that drops the connection and leaves the message holding its identifier to be resent on every reconnect.
/// </summary>
public sealed class ExactlyOnceDowngradeTests
{
    private const int DowngradeEvent = 70;

    [Theory]
    [InlineData(MqttProtocol.V311)]
    [InlineData(MqttProtocol.V500)]
    public async Task A_qos2_publish_answered_with_puback_completes_warns_once_per_connection_and_is_not_resent(MqttProtocol protocol)
    {
        await using var harness = new SupervisorHarness(o => o.Protocol = protocol);
        var first = await harness.ConnectAsync();

        var a = await AcknowledgeWithPubAckAsync(harness, first, "plant/a");
        var b = await AcknowledgeWithPubAckAsync(harness, first, "plant/b");

        Assert.Equal([a, b], harness.Acknowledgements.Completed.Select(c => c.Message));
        Assert.All(harness.Acknowledgements.Completed, c => Assert.Equal(0, c.ReasonCode));
        Assert.Equal(1, Warnings(harness));
        Assert.Contains("plant/a", harness.Logger.Entries.Single(e => e.EventId == DowngradeEvent).Message, StringComparison.Ordinal);

        // A new connection warns again, once.
        first.Close();
        var second = await harness.AcceptAsync();
        await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
        await AcknowledgeWithPubAckAsync(harness, second, "plant/c");
        await AcknowledgeWithPubAckAsync(harness, second, "plant/d");
        Assert.Equal(2, Warnings(harness));
        Assert.Equal(4, harness.Acknowledgements.Completed.Count);
        Assert.Equal(2, harness.Broker.ConnectionCount);
    }

    [Fact]
    public async Task A_puback_for_a_released_qos2_publish_is_still_a_violation()
    {
        await using var harness = new SupervisorHarness();
        var connection = await harness.ConnectAsync();
        var message = new OutgoingMessage("plant/a", new byte[] { 1 }, Qos.ExactlyOnce, retain: false, awaited: false) { Released = true };
        message.PacketId = harness.Session.Ids.Add(message);

        await connection.SendAsync(PubAck(message.PacketId));

        var error = await harness.WaitForStateAsync(ConnectionState.Reconnecting);
        Assert.Contains("that expects PubComp", error!.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Acknowledgements.Completed);
    }

    /// <summary>A QoS 2 publish in flight on <paramref name="connection"/> (it holds a packet identifier, as the pump
    /// leaves it after writing the PUBLISH), answered by the broker with PUBACK.</summary>
    private static async Task<OutgoingMessage> AcknowledgeWithPubAckAsync(SupervisorHarness harness, FakeBrokerConnection connection, string topic)
    {
        var session = harness.LiveSession;
        var message = new OutgoingMessage(topic, new byte[] { 1 }, Qos.ExactlyOnce, retain: false, awaited: false);
        var packetId = harness.Session.Ids.Add(message);
        message.PacketId = packetId;

        await connection.SendAsync(PubAck(packetId));

        // A ping round trip: the PUBACK before the PINGRESP has been handled when it completes.
        var ping = session.PingAsync(CancellationToken.None);
        await connection.ExpectAsync(PacketType.PingReq);
        await connection.SendAsync(PingResp);
        await ping.WaitAsync(SupervisorHarness.Timeout);

        Assert.True(session.IsAlive, harness.Describe());
        Assert.Same(session, harness.LiveSession);

        // Done: its identifier is free (nothing is left for a resend on a later connection), and nothing went to the
        // broker for it (no PUBREL, no second PUBLISH).
        Assert.Null(harness.Session.Ids.Get(packetId));
        Assert.Equal(0, message.PacketId);
        Assert.False(message.Released);
        Assert.True(connection.NothingReceived);
        return message;
    }

    private static int Warnings(SupervisorHarness harness) =>
        harness.Logger.Entries.Count(e => e.EventId == DowngradeEvent && e.Level == LogLevel.Warning);
}
