// The embedded MQTTnet.Server 5.2 broker for integration tests. Choices, and how it differs from Mosquitto:
//
//  - MaxPendingMessagesPerClient = 1,000,000. The default (1000, DropOldestQueuedMessage) silently drops messages
//    queued for a slow or offline client.
//  - EnablePersistentSessions = true, always. Without it MQTTnet deletes every session when its connection closes,
//    even for clean-session=false (3.1.1) or session-expiry>0 (v5) clients, unlike Mosquitto and the spec.
//  - Transports: TCP (Port) and TLS (PortFor(Tls): WithEncryptedEndpoint and a server certificate made at test time,
//    see TestCertificates; its CA is written to a temp directory as TlsCaFile), and WebSocket (PortFor(WebSocket),
//    path /mqtt): MQTTnet.Server has no WebSocket listener of its own, so MQTTnet.AspNetCore's adapter is one of the
//    server's adapters and a Kestrel endpoint on loopback hands it every upgraded connection (subprotocol mqtt). The
//    Kestrel host lives as long as the broker object; while the MQTT server is stopped it accepts the upgrade and
//    closes the connection at once (the adapter has no handler then), which a client sees as a refused connect.
//  - Listens on 127.0.0.1 only (the IPv6 listener is disabled), with SO_REUSEADDR so a restart can rebind at once.
//  - Credentials: a ValidatingConnectionAsync handler refuses any other user name/password (and anonymous clients)
//    with BadUserNameOrPassword (3.1.1 return code 4, v5 0x86). Mosquitto 2.0.11 refuses with NotAuthorized instead.
//  - Restart and persistence: MQTTnet keeps everything in memory. A stopped MqttServer can be started again:
//    its sessions survive (because persistent sessions are on) but its retained messages are cleared on start and
//    reloaded only through LoadingRetainedMessageAsync. So:
//      Persistence = true:  the same MqttServer instance is stopped and started again; retained messages are kept
//                           in this object (RetainedMessageChangedAsync) and handed back on start. Sessions,
//                           subscriptions and messages queued for offline persistent clients survive stop, kill
//                           and restart, as they do with Mosquitto's persistence.
//      Persistence = false: every start creates a fresh MqttServer, so a restart forgets everything, as Mosquitto
//                           without persistence does.
//  - Kill: there is no process to SIGKILL. KillAsync stops the server with reason NormalDisconnection, for which
//    MQTTnet sends no DISCONNECT packet: every socket is just closed (and reset, because the endpoint's default
//    LingerState is (true, 0)). StopAsync sends v5 clients DISCONNECT "server shutting down" (0x8B) first.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.AspNetCore;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Switchboard.IntegrationTests.Brokers;

/// <summary>An in-process MQTTnet.Server broker on 127.0.0.1 and its own port.</summary>
public sealed class EmbeddedBroker : ITestBroker
{
    /// <summary>The value of <see cref="Name"/>.</summary>
    public const string BrokerName = "mqttnet";

    /// <summary>Per-client queue bound; high enough that tests never hit MQTTnet's drop-oldest overflow.</summary>
    public const int MaxPendingMessagesPerClient = 1_000_000;

    static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(10);

    readonly SemaphoreSlim _lifecycle = new(1, 1);
    readonly Action<MqttServer>? _configure;
    readonly object _retainedGate = new();
    List<MqttApplicationMessage> _retained = [];
    readonly TestCertificates _certificates;
    MqttServer? _server;
    readonly MqttWebSocketServerAdapter _webSockets = new();
    WebApplication? _web;
    int _port;
    int _tlsPort;
    int _wsPort;
    bool _running;
    bool _everStarted;
    bool _disposed;

    /// <summary>Creates the broker (not started).</summary>
    /// <param name="options">Credentials, persistence, port.</param>
    /// <param name="configure">
    /// Called for every new <see cref="MqttServer"/> instance before it starts, to attach interceptors or event handlers.
    /// Without persistence every start creates a new instance; with persistence there is only one.
    /// </param>
    public EmbeddedBroker(BrokerOptions? options = null, Action<MqttServer>? configure = null)
    {
        Options = options ?? BrokerOptions.Default;
        Options.Validate();
        _configure = configure;
        _port = Options.Port ?? FreePort.Next();
        _tlsPort = FreePort.Next();
        _wsPort = FreePort.Next();
        _certificates = TestCertificates.For(Options.TlsServerNames);
        var root = Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_TMP") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "switchboard-it");
        Directory = Path.Combine(root, $"mqttnet-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        TlsCaFile = _certificates.WritePem(Directory).CaFile;
    }

    /// <summary>The broker's private temp directory (the PEM files of its TLS certificate).</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public string Name => BrokerName;

    /// <inheritdoc />
    public string Host => "127.0.0.1";

    /// <inheritdoc />
    /// <remarks>When the port was picked automatically and the first start loses a bind race, the broker moves to another free port.</remarks>
    public int Port => Volatile.Read(ref _port);

    /// <inheritdoc />
    public string Url => string.Create(CultureInfo.InvariantCulture, $"mqtt://{Host}:{Port}");

    /// <inheritdoc />
    public string TlsCaFile { get; }

    /// <inheritdoc />
    public BrokerOptions Options { get; }

    /// <inheritdoc />
    public bool Supports(Transport transport) => transport is Transport.Tcp or Transport.Tls or Transport.WebSocket;

    /// <inheritdoc />
    public int PortFor(Transport transport) => transport switch
    {
        Transport.Tcp => Port,
        Transport.Tls => Volatile.Read(ref _tlsPort),
        Transport.WebSocket => Volatile.Read(ref _wsPort),
        _ => throw new NotSupportedException($"The embedded MQTTnet broker has no listener for transport {transport}."),
    };

    /// <inheritdoc />
    public string UrlFor(Transport transport) => transport.Url(Host, PortFor(transport));

    /// <inheritdoc />
    public bool IsRunning => Volatile.Read(ref _running);

    /// <inheritdoc />
    public bool SupportsSigkill => false;

    /// <summary>The current server instance (for inspection: sessions, clients, retained messages, injection).</summary>
    /// <exception cref="InvalidOperationException">The broker has never been started.</exception>
    public MqttServer Server => _server ?? throw new InvalidOperationException("The embedded broker has not been started.");

    /// <inheritdoc />
    public async Task StartAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_running)
            {
                throw new InvalidOperationException($"The embedded broker is already running on port {Port}.");
            }

            await StartCoreAsync();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc />
    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            await StopCoreAsync(graceful: true);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc />
    public async Task KillAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            await StopCoreAsync(graceful: false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc />
    public async Task RestartAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await StopCoreAsync(graceful: true);
            await StartCoreAsync();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the server without DISCONNECT packets and disposes it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await StopCoreAsync(graceful: false);
            if (_web is not null)
            {
                await _web.DisposeAsync();
                _web = null;
            }

            _server?.Dispose();
            _server = null;
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover temp directory is harmless.
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Url}";

    async Task StartCoreAsync()
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            _server ??= CreateServer(Port, PortFor(Transport.Tls));
            try
            {
                await StartWebSocketsAsync();
                await _server.StartAsync();
                Volatile.Write(ref _running, true);
                _everStarted = true;
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                await ResetAfterFailedStartAsync();
                if (!_everStarted && Options.Port is null)
                {
                    // Lost a race for an automatically picked port before anyone used it: move to another one.
                    _server.Dispose();
                    _server = null;
                    Volatile.Write(ref _port, FreePort.Next());
                    Volatile.Write(ref _tlsPort, FreePort.Next());
                    if (_web is not null)
                    {
                        await _web.DisposeAsync();
                        _web = null;
                    }

                    Volatile.Write(ref _wsPort, FreePort.Next());

                    continue;
                }

                if (_everStarted && started.Elapsed < StartDeadline)
                {
                    // Restart on the same port while the old socket is still being released: try again shortly.
                    await Task.Delay(100);
                    continue;
                }

                throw new InvalidOperationException($"The embedded broker could not bind 127.0.0.1:{Port} within {StartDeadline.TotalSeconds:0} s.", ex);
            }
        }
    }

    async Task ResetAfterFailedStartAsync()
    {
        try
        {
            // StartAsync failed half-way (listener bind): put the instance back into the stopped state.
            await _server!.StopAsync(KillStopOptions());
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or SocketException)
        {
            // Nothing to undo.
        }
    }

    async Task StopCoreAsync(bool graceful)
    {
        if (_server is not { } server || !_running)
        {
            return;
        }

        Volatile.Write(ref _running, false);
        await server.StopAsync(graceful ? new MqttServerStopOptions() : KillStopOptions());
        if (!Options.Persistence)
        {
            // A restart without persistence starts from an empty broker.
            server.Dispose();
            _server = null;
        }
    }

    static MqttServerStopOptions KillStopOptions() => new()
    {
        DefaultClientDisconnectOptions = new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NormalDisconnection },
    };

    MqttServer CreateServer(int port, int tlsPort)
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(port)
            .WithDefaultEndpointReuseAddress()
            .WithEncryptedEndpoint()
            .WithEncryptedEndpointBoundIPAddress(IPAddress.Loopback)
            .WithEncryptedEndpointBoundIPV6Address(IPAddress.None)
            .WithEncryptedEndpointPort(tlsPort)
            .WithEncryptionCertificate(_certificates.LoadServerCertificate())
            .WithMaxPendingMessagesPerClient(MaxPendingMessagesPerClient)
            .WithPersistentSessions(true)
            .Build();
        options.TlsEndpointOptions.ReuseAddress = true;
        var factory = new MqttServerFactory();
        var server = factory.CreateMqttServer(options, [.. factory.DefaultServerAdapters.Select(create => create(factory)), _webSockets]);

        if (Options.RequiresCredentials)
        {
            server.ValidatingConnectionAsync += ValidateCredentialsAsync;
        }

        if (Options.Persistence)
        {
            server.RetainedMessageChangedAsync += e =>
            {
                lock (_retainedGate)
                {
                    _retained = [.. e.StoredRetainedMessages];
                }

                return Task.CompletedTask;
            };
            server.RetainedMessagesClearedAsync += _ =>
            {
                lock (_retainedGate)
                {
                    _retained = [];
                }

                return Task.CompletedTask;
            };
            server.LoadingRetainedMessageAsync += e =>
            {
                lock (_retainedGate)
                {
                    e.LoadedRetainedMessages = [.. _retained];
                }

                return Task.CompletedTask;
            };
        }

        _configure?.Invoke(server);
        return server;
    }

    /// <summary>Starts the Kestrel endpoint that hands WebSocket connections on /mqtt to the MQTT server (once).</summary>
    async Task StartWebSocketsAsync()
    {
        if (_web is not null)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Volatile.Read(ref _wsPort)));
        var web = builder.Build();
        web.UseWebSockets();
        web.Map("/mqtt", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync(MqttSubProtocolSelector.SelectSubProtocol(context.Request));
            await _webSockets.RunWebSocketConnectionAsync(socket, context);
        });
        try
        {
            await web.StartAsync();
        }
        catch (IOException ex)
        {
            // Kestrel's "address in use": the same retry as a lost race for the MQTT ports.
            await web.DisposeAsync();
            throw new SocketException((int)SocketError.AddressAlreadyInUse, ex.Message);
        }

        _web = web;
    }

    Task ValidateCredentialsAsync(ValidatingConnectionEventArgs e)
    {
        if (!string.Equals(e.UserName, Options.Username, StringComparison.Ordinal) ||
            !string.Equals(e.Password, Options.Password, StringComparison.Ordinal))
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
        }

        return Task.CompletedTask;
    }
}
