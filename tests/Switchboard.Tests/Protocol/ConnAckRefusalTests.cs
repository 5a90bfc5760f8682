using Switchboard.Tests.Protocol.Fakes;
using static Switchboard.Tests.Protocol.Fakes.BrokerPackets;

namespace Switchboard.Tests.Protocol;

/// <summary>
/// Every CONNACK refusal is either fatal (the client faults and never hammers the broker again) or transient (it
/// tries again). The expectations are written out here, independently of the table in <see cref="ReasonCodes"/>.
/// </summary>
public sealed class ConnAckRefusalTests
{
    public static TheoryData<byte, bool> V5Codes => new()
    {
        { 0x80, false }, // unspecified error
        { 0x83, false }, // implementation specific error
        { 0x88, false }, // server unavailable
        { 0x89, false }, // server busy
        { 0x97, false }, // quota exceeded
        { 0x9F, false }, // connection rate exceeded
        { 0x81, true }, // malformed packet
        { 0x82, true }, // protocol error
        { 0x85, true }, // client identifier not valid
        { 0x86, true }, // bad user name or password
        { 0x87, true }, // not authorized
        { 0x8A, true }, // banned
        { 0x8C, true }, // bad authentication method
        { 0x90, true }, // topic name invalid
        { 0x95, true }, // packet too large
        { 0x99, true }, // payload format invalid
        { 0x9A, true }, // retain not supported
        { 0x9B, true }, // QoS not supported
        { 0x9C, false }, // use another server, without a Server Reference: transient (the next broker)
        { 0x9D, false }, // server moved, without a Server Reference: likewise
        { 0xA5, true }, // not a CONNACK code at all: unknown failures are not retried
    };

    /// <summary>3.1.1 return codes and what they mean in the MQTT 5 numbering.</summary>
    public static TheoryData<byte, int, bool> V311Codes => new()
    {
        { 1, 0x84, true }, // unacceptable protocol version (no fallback below 3.1.1)
        { 2, 0x85, true }, // identifier rejected
        { 3, 0x88, false }, // server unavailable
        { 4, 0x86, true }, // bad user name or password
        { 5, 0x87, true }, // not authorized
    };

    [Theory]
    [MemberData(nameof(V5Codes))]
    public Task A_v5_refusal_on_the_first_connect_is_fatal_or_retried(byte code, bool fatal) =>
        RefusedFirstConnect(MqttProtocol.V500, code, code, fatal);

    [Theory]
    [MemberData(nameof(V311Codes))]
    public Task A_311_refusal_on_the_first_connect_is_fatal_or_retried(byte returnCode, int reasonCode, bool fatal) =>
        RefusedFirstConnect(MqttProtocol.V311, returnCode, reasonCode, fatal);

    [Theory]
    [InlineData(0x86, true)]
    [InlineData(0x89, false)]
    public async Task A_refusal_on_a_reconnect_faults_or_keeps_trying(byte code, bool fatal)
    {
        await using var harness = new SupervisorHarness();
        var first = await harness.ConnectAsync();
        first.Close();
        await harness.WaitForStateAsync(ConnectionState.Reconnecting);

        var second = await harness.Broker.NextConnectionAsync();
        await second.ExpectConnectAsync();
        await second.SendAsync(ConnAck(MqttProtocol.V500, code));

        if (fatal)
        {
            var error = Assert.IsType<MqttConnectionException>(await harness.WaitForStateAsync(ConnectionState.Faulted));
            Assert.True(error.IsFatal);
            Assert.Equal(code, error.ReasonCode);
            Assert.Equal(2, harness.Broker.ConnectionCount);
        }
        else
        {
            await harness.AcceptAsync();
            await harness.WaitForStateAsync(ConnectionState.Connected, occurrence: 2);
            Assert.Contains(harness.RetryPolicy.Calls, c => c.Error is MqttConnectionException { ReasonCode: 0x89 });
        }
    }

    private static async Task RefusedFirstConnect(MqttProtocol protocol, byte wireCode, int reasonCode, bool fatal)
    {
        await using var harness = new SupervisorHarness(o =>
        {
            o.Protocol = protocol;
            o.RetryFirstConnect = true;
        });
        var connecting = harness.Supervisor.ConnectAsync(CancellationToken.None);
        var first = await harness.Broker.NextConnectionAsync();
        await first.ExpectConnectAsync();
        await first.SendAsync(ConnAck(protocol, wireCode));

        if (fatal)
        {
            var error = await Assert.ThrowsAsync<MqttConnectionException>(() => connecting.WaitAsync(SupervisorHarness.Timeout));
            Assert.True(error.IsFatal, error.Message);
            Assert.Equal(reasonCode, error.ReasonCode);
            Assert.Contains($"CONNACK reason code {reasonCode}", error.Message, StringComparison.Ordinal);
            Assert.Equal(ConnectionState.Faulted, harness.Supervisor.State);
            Assert.Same(error, harness.Supervisor.Fault);
            Assert.Empty(harness.RetryPolicy.Calls);
            await first.ClientClosed.WaitAsync(SupervisorHarness.Timeout);
            Assert.Equal(1, harness.Broker.ConnectionCount);
        }
        else
        {
            // The refusal goes to the retry policy, and the client connects again.
            var second = await harness.Broker.NextConnectionAsync();
            await second.ExpectConnectAsync();
            var (attempt, last) = Assert.Single(harness.RetryPolicy.Calls);
            Assert.Equal(1, attempt);
            var error = Assert.IsType<MqttConnectionException>(last);
            Assert.False(error.IsFatal);
            Assert.Equal(reasonCode, error.ReasonCode);

            await second.SendAsync(ConnAck(protocol, 0));
            await connecting.WaitAsync(SupervisorHarness.Timeout);
            Assert.Equal(ConnectionState.Connected, harness.Supervisor.State);
        }
    }
}
