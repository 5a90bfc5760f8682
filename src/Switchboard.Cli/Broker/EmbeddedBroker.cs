using System.Net;
using System.Net.Sockets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Switchboard.Cli;

/// <summary>
/// An in-process MQTTnet broker on loopback, so the demo and the tools need no installed broker. Its per-client
/// pending-message limit is raised far above MQTTnet's default of 1000 (which silently drops the oldest), and a client
/// that sends an empty client id gets one assigned (MQTT 5 and 3.1.1), as with Mosquitto.
/// </summary>
internal sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;

    private EmbeddedBroker(MqttServer server, string host, int port)
    {
        _server = server;
        Host = host;
        Port = port;
    }

    public string Host { get; }

    public int Port { get; }

    public string Url => $"mqtt://{Host}:{Port}";

    /// <summary>Starts a broker; port 0 picks a free one.</summary>
    public static async Task<EmbeddedBroker> StartAsync(int port = 0, string host = "127.0.0.1", string? username = null, string? password = null, bool persistentSessions = true)
    {
        if (!IPAddress.TryParse(host, out var address))
        {
            throw new UsageException($"--host '{host}' is not an IP address.");
        }

        if (port == 0)
        {
            port = FreePort(address);
        }

        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions(persistentSessions)
            .WithMaxPendingMessagesPerClient(1_000_000)
            .Build();
        var factory = new MqttServerFactory();
        var server = factory.CreateMqttServer(options, factory.DefaultServerAdapters.Select(IMqttServerAdapter (create) => new ClientIdAssigningAdapter(create(factory))).ToList());
        server.ValidatingConnectionAsync += e =>
        {
            if (username is not null && (e.UserName != username || e.Password != password))
            {
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            }

            // MQTT 5: an empty client id gets one from the broker, returned in the CONNACK (3.1.1: see the adapter).
            if (string.IsNullOrEmpty(e.ClientId))
            {
                e.AssignedClientIdentifier = ClientIdAssigningAdapter.NewClientId();
            }

            return Task.CompletedTask;
        };

        try
        {
            await server.StartAsync();
        }
        catch (SocketException ex)
        {
            server.Dispose();
            throw new InvalidOperationException($"The embedded broker could not listen on {host}:{port}: {ex.Message}", ex);
        }

        return new EmbeddedBroker(server, host, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
    }

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
