using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;

namespace Switchboard;

/// <summary>Turns the validated settings into MQTTnet client options for one connection attempt.</summary>
internal static class MqttClientOptionsFactory
{
    public static MqttClientOptions Create(ClientSettings settings, MqttProtocol protocol, MqttApplicationMessage? will, CoalescingStreamProvider? transport = null)
    {
        var options = settings.Options;
        var endpoint = settings.Endpoint;
        var builder = new MqttClientOptionsBuilder()
            .WithClientId(settings.ClientId)
            .WithProtocolVersion(protocol == MqttProtocol.V500 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(options.ConnectTimeout)
            .WithCleanStart(options.CleanStart);

        if (protocol == MqttProtocol.V500)
        {
            builder.WithSessionExpiryInterval((uint)options.SessionExpiry.TotalSeconds)
                // The broker may not send more unacknowledged QoS ≥ 1 messages than the incoming queue holds: this is
                // what turns a slow handler into backpressure at the broker instead of memory growth here.
                .WithReceiveMaximum((ushort)Math.Min(options.IncomingQueueCapacity, ushort.MaxValue));
        }

        if (endpoint.UseWebSocket)
        {
            builder.WithWebSocketServer(ws => ws.WithUri(endpoint.WebSocketUri));
        }
        else
        {
            builder.WithTcpServer(endpoint.Host, endpoint.Port);
            if (transport is not null)
            {
                builder.WithStreamProvider(transport);
            }
        }

        if (endpoint.UseTls)
        {
            builder.WithTlsOptions(tls => ConfigureTls(tls, settings));
        }

        if (settings.Username is not null)
        {
            builder.WithCredentials(settings.Username, settings.Password);
        }

        if (will is not null)
        {
            builder.WithWillTopic(will.Topic)
                .WithWillPayload(will.Payload.ToArray())
                .WithWillQualityOfServiceLevel(will.QualityOfServiceLevel)
                .WithWillRetain(will.Retain);
            if (protocol == MqttProtocol.V500 && will.ContentType is not null)
            {
                builder.WithWillContentType(will.ContentType);
            }
        }

        return builder.Build();
    }

    private static void ConfigureTls(MqttClientTlsOptionsBuilder tls, ClientSettings settings)
    {
        var options = settings.Options;
        tls.UseTls().WithTargetHost(settings.Endpoint.Host);
        if (options.TlsCaFile is not null)
        {
            var trust = new X509Certificate2Collection();
            trust.ImportFromPemFile(options.TlsCaFile);
            // Private CAs rarely publish revocation lists, and an online check can hang on a closed network;
            // the chain and the host name are still verified.
            tls.WithTrustChain(trust).WithRevocationMode(X509RevocationMode.NoCheck);
        }

        if (options.TlsCertFile is not null && options.TlsKeyFile is not null)
        {
            tls.WithClientCertificates([X509Certificate2.CreateFromPemFile(options.TlsCertFile, options.TlsKeyFile)]);
        }

        if (options.TlsInsecure)
        {
            tls.WithAllowUntrustedCertificates()
                .WithIgnoreCertificateChainErrors()
                .WithIgnoreCertificateRevocationErrors()
                .WithCertificateValidationHandler(static _ => true);
        }
    }
}
