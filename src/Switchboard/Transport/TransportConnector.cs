using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard;

/// <summary>
/// Opens the byte transport of one connection attempt: TCP (<c>mqtt://</c>), TCP + TLS (<c>mqtts://</c>), or a
/// WebSocket (<c>ws://</c>, <c>wss://</c>, subprotocol <c>mqtt</c>). TLS is verified by default against the system
/// trust or the configured CA file, host name included.
/// </summary>
internal static class TransportConnector
{
    public static async Task<Stream> OpenAsync(ClientSettings settings, CancellationToken cancellationToken)
    {
        var endpoint = settings.Endpoint;
        if (endpoint.UseWebSocket)
        {
            return await OpenWebSocketAsync(settings, cancellationToken).ConfigureAwait(false);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        if (!endpoint.UseTls)
        {
            return stream;
        }

        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(CreateTlsOptions(settings), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return tls;
    }

    private static async Task<Stream> OpenWebSocketAsync(ClientSettings settings, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("mqtt");
        // MQTT has its own keep-alive; WebSocket pings would only add traffic.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (settings.Endpoint.UseTls)
        {
            var tls = CreateTlsOptions(settings);
            if (tls.ClientCertificates is { } certificates)
            {
                socket.Options.ClientCertificates = certificates;
            }

            socket.Options.RemoteCertificateValidationCallback = tls.RemoteCertificateValidationCallback;
        }

        try
        {
            await socket.ConnectAsync(new Uri(settings.Endpoint.WebSocketUri), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
    }

    /// <summary>The TLS settings of a connection: host name, trust (system or CA file), client certificate.</summary>
    public static SslClientAuthenticationOptions CreateTlsOptions(ClientSettings settings)
    {
        var options = settings.Options;
        var tls = new SslClientAuthenticationOptions
        {
            TargetHost = settings.Endpoint.Host,
            EnabledSslProtocols = SslProtocols.None,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        if (options.TlsCertFile is not null && options.TlsKeyFile is not null)
        {
            var certificate = X509Certificate2.CreateFromPemFile(options.TlsCertFile, options.TlsKeyFile);
            tls.ClientCertificates = [certificate];
        }

        if (options.TlsInsecure)
        {
            tls.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (options.TlsCaFile is not null)
        {
            var trust = new X509Certificate2Collection();
            trust.ImportFromPemFile(options.TlsCaFile);
            tls.RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors, trust);
        }

        return tls;
    }

    // The chain is built against the CA file alone (not the system store); the host name is still checked. Private
    // CAs rarely publish revocation lists, and an online check can hang on a closed network, so revocation is not.
    private static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection trust)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(trust);
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
