using System.Globalization;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Faults;

namespace Switchboard.IntegrationTests.Support;

/// <summary>
/// A plain MQTTnet client for tests: to check brokers and fixtures, and to observe from the outside what the code
/// under test publishes. Records every received message and the first disconnect.
/// </summary>
public sealed class RawMqttClient : IAsyncDisposable
{
    readonly Channel<MqttApplicationMessage> _inbox = Channel.CreateUnbounded<MqttApplicationMessage>();
    readonly List<MqttApplicationMessage> _received = [];
    readonly TaskCompletionSource<MqttClientDisconnectedEventArgs> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    RawMqttClient(IMqttClient client)
    {
        Client = client;
        Client.ApplicationMessageReceivedAsync += e =>
        {
            lock (_received)
            {
                _received.Add(e.ApplicationMessage);
            }

            _inbox.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        Client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                _disconnected.TrySetResult(e);
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>The underlying MQTTnet client.</summary>
    public IMqttClient Client { get; }

    /// <summary>The CONNACK result of the connect.</summary>
    public MqttClientConnectResult ConnectResult { get; private set; } = null!;

    /// <summary>Completes when the connection is lost or closed after having been established.</summary>
    public Task<MqttClientDisconnectedEventArgs> Disconnected => _disconnected.Task;

    /// <summary>A snapshot of every message received so far.</summary>
    public IReadOnlyList<MqttApplicationMessage> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Options with test defaults: a unique client id, MQTT 5, 10 s timeout, 30 s keep-alive.</summary>
    public static MqttClientOptionsBuilder CreateOptions(string host, int port) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(UniqueClientId())
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30));

    /// <summary>Connects to a test broker.</summary>
    public static Task<RawMqttClient> ConnectAsync(ITestBroker broker, Action<MqttClientOptionsBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(broker);
        return ConnectAsync(broker.Host, broker.Port, configure, cancellationToken);
    }

    /// <summary>Connects through a fault proxy.</summary>
    public static Task<RawMqttClient> ConnectAsync(TcpFaultProxy proxy, Action<MqttClientOptionsBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        return ConnectAsync("127.0.0.1", proxy.Port, configure, cancellationToken);
    }

    /// <summary>Connects and throws unless the broker accepts the connection.</summary>
    public static async Task<RawMqttClient> ConnectAsync(string host, int port, Action<MqttClientOptionsBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = CreateOptions(host, port);
        configure?.Invoke(builder);
        var raw = new RawMqttClient(new MqttClientFactory().CreateMqttClient());
        try
        {
            raw.ConnectResult = await raw.Client.ConnectAsync(builder.Build(), cancellationToken);
            if (raw.ConnectResult.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException(
                    $"The broker at {host}:{port} refused the connection: {raw.ConnectResult.ResultCode} {raw.ConnectResult.ReasonString}");
            }

            return raw;
        }
        catch
        {
            raw.Client.Dispose();
            throw;
        }
    }

    /// <summary>Attempts a connect and returns the CONNACK result (the client is closed again either way).</summary>
    public static async Task<MqttClientConnectResult> TryConnectAsync(MqttClientOptions options, CancellationToken cancellationToken = default)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(options, cancellationToken);
        if (client.IsConnected)
        {
            await client.TryDisconnectAsync();
        }

        return result;
    }

    /// <summary>A client id unique to this process run.</summary>
    public static string UniqueClientId(string prefix = "sb-it") =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{Guid.NewGuid():N}");

    /// <summary>A topic no other test uses.</summary>
    public static string UniqueTopic(string prefix = "sb-it") => string.Create(CultureInfo.InvariantCulture, $"{prefix}/{Guid.NewGuid():N}");

    /// <summary>Subscribes and throws unless the broker granted the subscription.</summary>
    public async Task SubscribeAsync(string topicFilter, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce, CancellationToken cancellationToken = default)
    {
        var result = await Client.SubscribeAsync(topicFilter, qos, cancellationToken);
        foreach (var item in result.Items)
        {
            if ((int)item.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new InvalidOperationException($"Subscription to '{topicFilter}' refused: {item.ResultCode}.");
            }
        }
    }

    /// <summary>Publishes a UTF-8 payload and returns the broker's acknowledgement (for QoS 1 and 2).</summary>
    public Task<MqttClientPublishResult> PublishAsync(
        string topic,
        string payload,
        MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce,
        bool retain = false,
        CancellationToken cancellationToken = default) =>
        Client.PublishStringAsync(topic, payload, qos, retain, cancellationToken);

    /// <summary>The next message not yet taken, waiting at most <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">No message arrived in time.</exception>
    public async Task<MqttApplicationMessage> NextMessageAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            // Cancelling the read (rather than abandoning it) keeps a late message for the next call.
            return await _inbox.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No message arrived at client '{Client.Options?.ClientId}' within {timeout.TotalSeconds:0.0} s.", ex);
        }
    }

    /// <summary>Disconnects (briefly waiting for a clean DISCONNECT) and disposes the client.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token);
            }
        }
        catch (Exception)
        {
            // The connection is gone already; disposing is all that is left.
        }

        Client.Dispose();
    }
}
