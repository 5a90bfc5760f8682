using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography;
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

        var (options, verification) = CreateTlsOptions(settings);
        var tls = new VerifiedSslStream(stream, verification);
        try
        {
            await tls.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw HandshakeFailed(settings, verification, ex);
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
        TlsVerification? verification = null;
        if (settings.Endpoint.UseTls)
        {
            (var tls, verification) = CreateTlsOptions(settings);
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
        catch (WebSocketException ex) when (settings.Endpoint.UseTls && FindTlsFailure(ex) is not null)
        {
            socket.Dispose();
            throw HandshakeFailed(settings, verification, FindTlsFailure(ex)!);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: true);
    }

    /// <summary>The TLS settings of a connection: host name, trust (system or CA file), client certificate.</summary>
    public static (SslClientAuthenticationOptions Options, TlsVerification? Verification) CreateTlsOptions(ClientSettings settings)
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
            try
            {
                tls.ClientCertificates = [X509Certificate2.CreateFromPemFile(options.TlsCertFile, options.TlsKeyFile)];
            }
            catch (CryptographicException ex)
            {
                throw new MqttConnectionException($"The client certificate cannot be used: {OptionKeys.TlsKeyFile}='{options.TlsKeyFile}' does not hold the private key of the certificate in {OptionKeys.TlsCertFile}='{options.TlsCertFile}', or one of them is not PEM ({ex.Message}).", 0, isFatal: true, ex);
            }
        }

        var verification = new TlsVerification(settings.Endpoint.Host, options.TlsInsecure ? null : options.TlsCaFile);
        tls.RemoteCertificateValidationCallback = options.TlsInsecure
            ? static (_, _, _, _) => true
            : (_, certificate, chain, errors) => verification.Validate(certificate, chain, errors);

        // Called when the broker asks for a client certificate: remembered, so that a broker hanging up right after
        // the handshake (TLS 1.3 sends that refusal after it) can be named as wanting one.
        tls.LocalCertificateSelectionCallback = (_, _, certificates, _, _) =>
        {
            verification.ClientCertificateRequested = true;
            return certificates is { Count: > 0 } ? certificates[0] : null!;
        };
        return (tls, verification);
    }

    /// <summary>Names the cause of a failed handshake; every one of them is fatal (retrying cannot fix a certificate).</summary>
    private static MqttConnectionException HandshakeFailed(ClientSettings settings, TlsVerification? verification, Exception error)
    {
        var endpoint = settings.Endpoint;
        if (verification?.Refusal is { } refusal)
        {
            return new MqttConnectionException($"The TLS handshake with {endpoint} failed: the broker's certificate was refused: {refusal}.", 0, isFatal: true, error);
        }

        var text = Messages(error);
        if (text.Contains("certificate required", StringComparison.OrdinalIgnoreCase) || text.Contains("peer did not return a certificate", StringComparison.OrdinalIgnoreCase))
        {
            return ClientCertificateRequired(settings, error);
        }

        if (text.Contains("unknown ca", StringComparison.OrdinalIgnoreCase) || text.Contains("bad certificate", StringComparison.OrdinalIgnoreCase) || text.Contains("certificate unknown", StringComparison.OrdinalIgnoreCase))
        {
            return new MqttConnectionException($"The TLS handshake with {endpoint} failed: the broker refused this client's certificate ({OptionKeys.TlsCertFile}='{settings.Options.TlsCertFile}'): it is not signed by a CA the broker trusts. ({Root(error).Message})", 0, isFatal: true, error);
        }

        return error is AuthenticationException
            ? new MqttConnectionException($"The TLS handshake with {endpoint} failed: {Root(error).Message}", 0, isFatal: true, error)
            : new MqttConnectionException($"The TLS handshake with {endpoint} failed: the connection closed during the handshake ({Root(error).Message}); is that port a TLS listener?", 0, isFatal: false, error);
    }

    /// <summary>The broker ended the TLS connection because this client sent no certificate (fatal).</summary>
    public static MqttConnectionException ClientCertificateRequired(ClientSettings settings, Exception error) =>
        new($"The TLS handshake with {settings.Endpoint} failed: the broker requires a client certificate{(settings.Options.TlsCertFile is null ? $"; set {OptionKeys.TlsCertFile} and {OptionKeys.TlsKeyFile}" : $" and did not accept the one in {OptionKeys.TlsCertFile}='{settings.Options.TlsCertFile}' (is it signed by a CA the broker trusts?)")}. ({Root(error).Message})", 0, isFatal: true, error);

    /// <summary>True when a connection that failed before CONNACK did so because the broker wants a client certificate:
    /// a TLS alert saying so, or a broker that asked for one during the handshake and hung up right after it.</summary>
    public static bool IsClientCertificateRequired(ClientSettings settings, Stream? transport, Exception error)
    {
        var text = Messages(error);
        return text.Contains("certificate required", StringComparison.OrdinalIgnoreCase)
            || text.Contains("peer did not return a certificate", StringComparison.OrdinalIgnoreCase)
            || transport is VerifiedSslStream { Verification.ClientCertificateRequested: true };
    }

    private static Exception? FindTlsFailure(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return e;
            }
        }

        return null;
    }

    private static string Messages(Exception error)
    {
        var text = new System.Text.StringBuilder();
        for (var e = error; e is not null; e = e.InnerException)
        {
            text.Append(e.Message).Append(' ');
        }

        return text.ToString();
    }

    private static Exception Root(Exception error)
    {
        while (error.InnerException is not null)
        {
            error = error.InnerException;
        }

        return error;
    }
}
