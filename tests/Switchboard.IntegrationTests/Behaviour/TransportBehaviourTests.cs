using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>TLS (verified by default), WebSockets and the automatic fallback to MQTT 3.1.1.</summary>
public sealed class TransportBehaviourTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sb-tls-" + Guid.NewGuid().ToString("N"));

    public TransportBehaviourTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Tls_is_verified_against_the_given_ca_and_refused_without_it()
    {
        var (caFile, certFile, keyFile) = CreateCertificates();
        var tlsPort = FreePort.Next();
        await using var broker = await TestBrokers.StartAsync(TestBrokers.Mosquitto, new BrokerOptions
        {
            ExtraConfig = $"listener {tlsPort} 127.0.0.1\ncafile {caFile}\ncertfile {certFile}\nkeyfile {keyFile}\n",
        });

        // The certificate names "localhost": with our CA it verifies.
        await using (var trusted = await TestClients.ConnectAsync($"mqtts://localhost:{tlsPort}", configure: o => o.TlsCaFile = caFile))
        {
            var collector = new MessageCollector();
            await using var sub = await trusted.SubscribeAsync("tls/echo", collector.Handler);
            await trusted.PublishAsync("tls/echo", "secret");
            await collector.WaitForAsync(1);
        }

        // Without the CA (system trust only) the self-made chain is refused, fatally: retrying cannot fix trust.
        await using var untrusted = new SwitchboardClient(TestClients.Options($"mqtts://localhost:{tlsPort}"));
        var refused = await Assert.ThrowsAsync<MqttConnectionException>(() => untrusted.ConnectAsync());
        Assert.True(refused.IsFatal);
        Assert.Contains("TLS", refused.Message);

        // The right CA but the wrong host name: still refused.
        await using var wrongName = new SwitchboardClient(TestClients.Options($"mqtts://127.0.0.1:{tlsPort}", configure: o => o.TlsCaFile = caFile));
        await Assert.ThrowsAsync<MqttConnectionException>(() => wrongName.ConnectAsync());

        // Explicitly insecure (test brokers only) connects.
        await using var insecure = await TestClients.ConnectAsync($"mqtts://127.0.0.1:{tlsPort}", configure: o => o.TlsInsecure = true);
        Assert.Equal(ConnectionState.Connected, insecure.State);
    }

    [Fact]
    public async Task WebSocket_transport_publishes_and_receives()
    {
        var wsPort = FreePort.Next();
        await using var broker = await TestBrokers.StartAsync(TestBrokers.Mosquitto, new BrokerOptions
        {
            ExtraConfig = $"listener {wsPort} 127.0.0.1\nprotocol websockets\n",
        });
        await using var client = await TestClients.ConnectAsync($"ws://127.0.0.1:{wsPort}/mqtt");
        await using var tcp = await TestClients.ConnectAsync(broker);
        var collector = new MessageCollector();
        await using var sub = await client.SubscribeAsync("ws/+", collector.Handler);
        await tcp.PublishAsync("ws/in", "over tcp");
        await client.PublishAsync("ws/in", "over websocket");
        await collector.WaitForAsync(2);
        Assert.Equal(["over tcp", "over websocket"], collector.Messages.Select(m => m.PayloadAsString()));
    }

    [Fact]
    public async Task A_broker_that_refuses_mqtt5_gets_311_automatically()
    {
        await using var broker = new EmbeddedBroker(configure: server => server.ValidatingConnectionAsync += e =>
        {
            if (e.ProtocolVersion == MqttProtocolVersion.V500)
            {
                e.ReasonCode = MqttConnectReasonCode.UnsupportedProtocolVersion;
            }

            return Task.CompletedTask;
        });
        await broker.StartAsync();
        await using var client = await TestClients.ConnectAsync(broker);
        Assert.Equal(MqttProtocol.V311, client.Protocol);
        var collector = new MessageCollector();
        await using var sub = await client.SubscribeAsync("fallback/+", collector.Handler);
        await client.PublishAsync("fallback/ok", "3.1.1 works");
        await collector.WaitForAsync(1);

        // Request/response uses the envelope-id fallback on 3.1.1.
        await using var responder = await TestClients.ConnectAsync(broker);
        await using var answer = await responder.RespondAsync<RequestResponseBehaviourTests.Question, RequestResponseBehaviourTests.Answer>("fb/ask", "fb.answer", (q, _) => ValueTask.FromResult(new RequestResponseBehaviourTests.Answer(q.Data.Text, 1)));
        var reply = await client.RequestAsync<RequestResponseBehaviourTests.Question, RequestResponseBehaviourTests.Answer>("fb/ask", "fb.ask", new("ping"), TimeSpan.FromSeconds(10));
        Assert.Equal("ping", reply.Data.Reply);
    }

    private (string Ca, string Cert, string Key) CreateCertificates()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Switchboard Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), RandomNumberGenerator.GetBytes(8));

        var caFile = Path.Combine(_dir, "ca.pem");
        var certFile = Path.Combine(_dir, "server.pem");
        var keyFile = Path.Combine(_dir, "server.key");
        File.WriteAllText(caFile, ca.ExportCertificatePem());
        File.WriteAllText(certFile, server.ExportCertificatePem());
        File.WriteAllText(keyFile, serverKey.ExportPkcs8PrivateKeyPem());
        return (caFile, certFile, keyFile);
    }
}
