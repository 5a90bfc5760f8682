using System.Text;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Switchboard.IntegrationTests.Faults;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Brokers;

// Smoke tests of the broker fixtures and the fault proxy, with raw MQTTnet clients only (no Switchboard code).
// They are split into several classes because xunit runs classes in parallel and the tests of one class in sequence.
// Every test is bounded by a TestTimeout token and owns its topics and client ids; tests that stop, kill or restart
// a broker own that broker.

/// <summary>Shared helpers for the smoke tests.</summary>
static class Smoke
{
    /// <summary>Connects a subscriber and a publisher, and checks a QoS 1 message makes the trip.</summary>
    public static async Task RoundTripAsync(string host, int port, CancellationToken cancellationToken)
    {
        var topic = RawMqttClient.UniqueTopic("sb-it/round-trip");
        await using var subscriber = await RawMqttClient.ConnectAsync(host, port, cancellationToken: cancellationToken);
        await subscriber.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);
        await using var publisher = await RawMqttClient.ConnectAsync(host, port, cancellationToken: cancellationToken);

        var ack = await publisher.PublishAsync(topic, "hello", MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken: cancellationToken);

        Assert.True(ack.IsSuccess, $"PUBACK reason {ack.ReasonCode}");
        var message = await subscriber.NextMessageAsync(TimeSpan.FromSeconds(10), cancellationToken);
        Assert.Equal(topic, message.Topic);
        Assert.Equal("hello", message.ConvertPayloadToString());
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
    }

    /// <summary>The code each broker uses to refuse bad credentials (see the notes in MosquittoBroker.cs).</summary>
    public static MqttClientConnectResultCode RefusalCode(string broker) => broker switch
    {
        TestBrokers.Mosquitto => MqttClientConnectResultCode.NotAuthorized,
        _ => MqttClientConnectResultCode.BadUserNameOrPassword,
    };
}

/// <summary>The shared fixtures start a working broker of each kind.</summary>
public sealed class SharedBrokerFixtureTests(AllBrokersFixture brokers) : IClassFixture<AllBrokersFixture>
{
    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task Qos1PublishReachesSubscriber(string name)
    {
        using var cts = TestTimeout.Start();
        var broker = brokers[name];

        Assert.True(broker.IsRunning);
        Assert.Equal($"mqtt://127.0.0.1:{broker.Port}", broker.Url);
        await Smoke.RoundTripAsync(broker.Host, broker.Port, cts.Token);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task AcceptsMqtt311AndMqtt5(string name)
    {
        using var cts = TestTimeout.Start();
        var broker = brokers[name];

        foreach (var version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            await using var client = await RawMqttClient.ConnectAsync(broker, o => o.WithProtocolVersion(version), cts.Token);
            Assert.Equal(MqttClientConnectResultCode.Success, client.ConnectResult.ResultCode);
            await client.Client.PingAsync(cts.Token);
        }
    }
}

/// <summary><see cref="MosquittoFixture"/> works as a class fixture.</summary>
public sealed class MosquittoFixtureTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task FixtureBrokerRoundTrips()
    {
        using var cts = TestTimeout.Start();

        Assert.Equal(TestBrokers.Mosquitto, fixture.Broker.Name);
        Assert.True(fixture.Broker.SupportsSigkill);
        await Smoke.RoundTripAsync(fixture.Broker.Host, fixture.Broker.Port, cts.Token);
        var log = await ((MosquittoBroker)fixture.Broker).ReadLogAsync();
        Assert.Contains("running", log, StringComparison.Ordinal);
    }
}

/// <summary><see cref="EmbeddedFixture"/> works as a class fixture.</summary>
public sealed class EmbeddedFixtureTests(EmbeddedFixture fixture) : IClassFixture<EmbeddedFixture>
{
    [Fact]
    public async Task FixtureBrokerRoundTrips()
    {
        using var cts = TestTimeout.Start();

        Assert.Equal(TestBrokers.MqttNet, fixture.Broker.Name);
        Assert.False(fixture.Broker.SupportsSigkill);
        await Smoke.RoundTripAsync(fixture.Broker.Host, fixture.Broker.Port, cts.Token);
    }
}

/// <summary>Stop, kill and restart keep the port, and clients can come back.</summary>
public sealed class BrokerRestartTests
{
    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task RestartKeepsPortAndClientsCanReconnect(string name)
    {
        using var cts = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(name);
        var port = broker.Port;
        await using var client = await RawMqttClient.ConnectAsync(broker, cancellationToken: cts.Token);

        await broker.RestartAsync();

        Assert.True(broker.IsRunning);
        Assert.Equal(port, broker.Port);
        await client.Disconnected.WithTimeout(TimeSpan.FromSeconds(10), "the client to notice the restart");
        await Smoke.RoundTripAsync(broker.Host, broker.Port, cts.Token);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task KillDropsClientsAndStartComesBackOnSamePort(string name)
    {
        using var cts = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(name);
        var port = broker.Port;
        await using var client = await RawMqttClient.ConnectAsync(broker, cancellationToken: cts.Token);

        await broker.KillAsync();

        Assert.False(broker.IsRunning);
        var disconnect = await client.Disconnected.WithTimeout(TimeSpan.FromSeconds(10), "the client to notice the kill");
        Assert.NotEqual(MqttClientDisconnectReason.ServerShuttingDown, disconnect.Reason);
        await Assert.ThrowsAnyAsync<Exception>(() => RawMqttClient.ConnectAsync(broker, cancellationToken: cts.Token));

        await broker.StartAsync();

        Assert.Equal(port, broker.Port);
        await Smoke.RoundTripAsync(broker.Host, broker.Port, cts.Token);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task RestartWithoutPersistenceForgetsRetainedMessages(string name)
    {
        using var cts = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(name);
        var topic = RawMqttClient.UniqueTopic("sb-it/retained");
        await using (var publisher = await RawMqttClient.ConnectAsync(broker, cancellationToken: cts.Token))
        {
            await publisher.PublishAsync(topic, "old", retain: true, cancellationToken: cts.Token);
        }

        await broker.RestartAsync();

        await using var subscriber = await RawMqttClient.ConnectAsync(broker, cancellationToken: cts.Token);
        await subscriber.SubscribeAsync(topic, cancellationToken: cts.Token);
        await using var marker = await RawMqttClient.ConnectAsync(broker, cancellationToken: cts.Token);
        await marker.PublishAsync(topic, "marker", cancellationToken: cts.Token);
        // A retained message is delivered on subscribe, before anything published later: the first must be the marker.
        var first = await subscriber.NextMessageAsync(TimeSpan.FromSeconds(10), cts.Token);
        Assert.Equal("marker", first.ConvertPayloadToString());
    }
}

/// <summary>Credentials: anonymous and wrong passwords are refused, the configured pair is accepted.</summary>
public sealed class BrokerCredentialsTests
{
    public static TheoryData<string, MqttProtocolVersion> BrokersAndVersions => new()
    {
        { TestBrokers.Mosquitto, MqttProtocolVersion.V311 },
        { TestBrokers.Mosquitto, MqttProtocolVersion.V500 },
        { TestBrokers.MqttNet, MqttProtocolVersion.V311 },
        { TestBrokers.MqttNet, MqttProtocolVersion.V500 },
    };

    [Theory]
    [MemberData(nameof(BrokersAndVersions))]
    public async Task OnlyTheConfiguredCredentialsAreAccepted(string name, MqttProtocolVersion version)
    {
        using var cts = TestTimeout.Start();
        await using var broker = await TestBrokers.StartAsync(name, new BrokerOptions { Username = "alice", Password = "s3cret:with spaces" });
        MqttClientOptions Options(string? user, string? password)
        {
            var builder = RawMqttClient.CreateOptions(broker.Host, broker.Port).WithProtocolVersion(version);
            return (user is null ? builder : builder.WithCredentials(user, password)).Build();
        }

        var wrongPassword = await RawMqttClient.TryConnectAsync(Options("alice", "wrong"), cts.Token);
        var unknownUser = await RawMqttClient.TryConnectAsync(Options("mallory", "s3cret:with spaces"), cts.Token);
        var anonymous = await RawMqttClient.TryConnectAsync(Options(null, null), cts.Token);
        var valid = await RawMqttClient.TryConnectAsync(Options("alice", "s3cret:with spaces"), cts.Token);

        Assert.Equal(Smoke.RefusalCode(name), wrongPassword.ResultCode);
        Assert.Equal(Smoke.RefusalCode(name), unknownUser.ResultCode);
        Assert.Equal(Smoke.RefusalCode(name), anonymous.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, valid.ResultCode);
    }
}

/// <summary>Persistence keeps state across a kill (SIGKILL for Mosquitto).</summary>
public sealed class BrokerPersistenceTests
{
    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task RetainedMessageSurvivesKill(string name)
    {
        using var cts = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(name, new BrokerOptions { Persistence = true });
        var topic = RawMqttClient.UniqueTopic("sb-it/persisted");
        await using (var publisher = await RawMqttClient.ConnectAsync(broker, cancellationToken: cts.Token))
        {
            var ack = await publisher.PublishAsync(topic, "keep-me", retain: true, cancellationToken: cts.Token);
            Assert.True(ack.IsSuccess);
        }

        await WaitUntilPersistedAsync(broker, topic, cts.Token);
        await broker.KillAsync();
        await broker.StartAsync();

        await using var subscriber = await RawMqttClient.ConnectAsync(broker, cancellationToken: cts.Token);
        await subscriber.SubscribeAsync(topic, cancellationToken: cts.Token);
        var retained = await subscriber.NextMessageAsync(TimeSpan.FromSeconds(10), cts.Token);
        Assert.Equal("keep-me", retained.ConvertPayloadToString());
        Assert.True(retained.Retain);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task MessageQueuedForOfflineSessionSurvivesKill(string name)
    {
        using var cts = TestTimeout.Start(TestTimeout.Long);
        await using var broker = await TestBrokers.StartAsync(name, new BrokerOptions { Persistence = true });
        var topic = RawMqttClient.UniqueTopic("sb-it/queued");
        var clientId = RawMqttClient.UniqueClientId("sb-it-durable");
        void Durable(MqttClientOptionsBuilder o) => o.WithClientId(clientId).WithProtocolVersion(MqttProtocolVersion.V311).WithCleanSession(false);
        await using (var subscriber = await RawMqttClient.ConnectAsync(broker, Durable, cts.Token))
        {
            await subscriber.SubscribeAsync(topic, cancellationToken: cts.Token);
        }

        await using (var publisher = await RawMqttClient.ConnectAsync(broker, cancellationToken: cts.Token))
        {
            await publisher.PublishAsync(topic, "while-you-were-out", cancellationToken: cts.Token);
        }

        await WaitUntilPersistedAsync(broker, "while-you-were-out", cts.Token);
        await broker.KillAsync();
        await broker.StartAsync();

        await using var back = await RawMqttClient.ConnectAsync(broker, Durable, cts.Token);
        Assert.True(back.ConnectResult.IsSessionPresent);
        var queued = await back.NextMessageAsync(TimeSpan.FromSeconds(10), cts.Token);
        Assert.Equal("while-you-were-out", queued.ConvertPayloadToString());
    }

    /// <summary>Mosquitto saves its database asynchronously to the PUBACK: wait for the save before a SIGKILL.</summary>
    static async Task WaitUntilPersistedAsync(ITestBroker broker, string text, CancellationToken cancellationToken)
    {
        if (broker is not MosquittoBroker mosquitto)
        {
            return;
        }

        var needle = Encoding.UTF8.GetBytes(text);
        await Eventually.WaitAsync(
            async () => File.Exists(mosquitto.PersistenceFilePath) &&
                        (await File.ReadAllBytesAsync(mosquitto.PersistenceFilePath, cancellationToken)).AsSpan().IndexOf(needle) >= 0,
            TimeSpan.FromSeconds(10),
            $"mosquitto.db contains '{text}'",
            cancellationToken);
    }
}

/// <summary>The fault proxy forwards, cuts, stalls and refuses.</summary>
public sealed class TcpFaultProxyTests(AllBrokersFixture brokers) : IClassFixture<AllBrokersFixture>
{
    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task ForwardsTraffic(string name)
    {
        using var cts = TestTimeout.Start();
        await using var proxy = TcpFaultProxy.For(brokers[name]);

        await Smoke.RoundTripAsync("127.0.0.1", proxy.Port, cts.Token);

        Assert.Equal(2, proxy.ConnectionCount);
        Assert.Equal($"mqtt://127.0.0.1:{proxy.Port}", proxy.Url);
        await Eventually.WaitAsync(() => proxy.ActiveConnections == 0, "both clients' connections are closed", cts.Token);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task CutAllDisconnectsClients(string name)
    {
        using var cts = TestTimeout.Start();
        await using var proxy = TcpFaultProxy.For(brokers[name]);
        await using var client = await RawMqttClient.ConnectAsync(proxy, cancellationToken: cts.Token);
        Assert.Equal(1, proxy.ActiveConnections);

        proxy.CutAll();

        await client.Disconnected.WithTimeout(TimeSpan.FromSeconds(5), "DisconnectedAsync after CutAll");
        Assert.False(client.Client.IsConnected);
        await Eventually.WaitAsync(() => proxy.ActiveConnections == 0, "the cut connection is gone", cts.Token);
        await using var again = await RawMqttClient.ConnectAsync(proxy, cancellationToken: cts.Token);
        Assert.Equal(2, proxy.ConnectionCount);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task StallBlackHolesTrafficUntilResume(string name)
    {
        using var cts = TestTimeout.Start();
        await using var proxy = TcpFaultProxy.For(brokers[name]);
        await using var client = await RawMqttClient.ConnectAsync(proxy, cancellationToken: cts.Token);
        await client.Client.PingAsync(cts.Token);

        proxy.Stall();

        using (var pingTimeout = CancellationTokenSource.CreateLinkedTokenSource(cts.Token))
        {
            pingTimeout.CancelAfter(TimeSpan.FromSeconds(1));
            var error = await Assert.ThrowsAnyAsync<Exception>(() => client.Client.PingAsync(pingTimeout.Token));
            Assert.True(error is OperationCanceledException or MqttCommunicationTimedOutException, error.ToString());
        }

        Assert.Equal(1, proxy.ActiveConnections);

        proxy.Resume();

        await Eventually.WaitAsync(
            async () => client.Client.IsConnected && await client.Client.TryPingAsync(cts.Token),
            TimeSpan.FromSeconds(10),
            "a ping succeeds on the connection that lived through the stall",
            cts.Token);
        Assert.False(client.Disconnected.IsCompleted);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task ResumeCanCutStalledConnections(string name)
    {
        using var cts = TestTimeout.Start();
        await using var proxy = TcpFaultProxy.For(brokers[name]);
        await using var client = await RawMqttClient.ConnectAsync(proxy, cancellationToken: cts.Token);

        proxy.Stall();
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cts.Token))
        {
            // New connections are accepted but go nowhere while stalled.
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAnyAsync<Exception>(() => RawMqttClient.ConnectAsync(proxy, cancellationToken: connectTimeout.Token));
        }

        proxy.Resume(cutStalledConnections: true);

        await client.Disconnected.WithTimeout(TimeSpan.FromSeconds(5), "DisconnectedAsync after Resume(cut)");
        await using var fresh = await RawMqttClient.ConnectAsync(proxy, cancellationToken: cts.Token);
        await fresh.Client.PingAsync(cts.Token);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task RefuseNewResetsNewConnectionsOnly(string name)
    {
        using var cts = TestTimeout.Start();
        await using var proxy = TcpFaultProxy.For(brokers[name]);
        await using var existing = await RawMqttClient.ConnectAsync(proxy, cancellationToken: cts.Token);

        proxy.RefuseNew = true;

        await Assert.ThrowsAnyAsync<Exception>(() => RawMqttClient.ConnectAsync(proxy, cancellationToken: cts.Token));
        Assert.Equal(1, proxy.RefusedCount);
        await existing.Client.PingAsync(cts.Token);

        proxy.RefuseNew = false;

        await using var accepted = await RawMqttClient.ConnectAsync(proxy, cancellationToken: cts.Token);
        Assert.Equal(3, proxy.ConnectionCount);
    }
}

/// <summary>Starting copes with a taken port.</summary>
public sealed class BrokerStartTests
{
    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task StartMovesToAnotherPortWhenThePickedOneIsTaken(string name)
    {
        using var cts = TestTimeout.Start();
        await using var broker = TestBrokers.Create(name);
        var picked = broker.Port;
        var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, picked);
        squatter.Start();
        try
        {
            await broker.StartAsync();
        }
        finally
        {
            squatter.Stop();
        }

        Assert.NotEqual(picked, broker.Port);
        await Smoke.RoundTripAsync(broker.Host, broker.Port, cts.Token);
    }

    [Fact]
    public async Task MosquittoStartFailureReportsTheLog()
    {
        var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
            await using var broker = new MosquittoBroker(new BrokerOptions { Port = port });

            var error = await Assert.ThrowsAsync<InvalidOperationException>(broker.StartAsync);

            Assert.Contains("Address already in use", error.Message, StringComparison.Ordinal);
            Assert.False(broker.IsRunning);
        }
        finally
        {
            squatter.Stop();
        }
    }
}
