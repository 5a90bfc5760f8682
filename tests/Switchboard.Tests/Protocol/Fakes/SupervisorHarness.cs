using System.Collections.Concurrent;

namespace Switchboard.Tests.Protocol.Fakes;

/// <summary>
/// A <see cref="ConnectionSupervisor"/> wired to a <see cref="FakeBroker"/>, a fake clock and recording callbacks.
/// Reconnects are immediate (the retry policy's delay is zero), keep-alive is off unless a test turns it on.
/// </summary>
internal sealed class SupervisorHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentQueue<(ConnectionState Previous, ConnectionState Current, Exception? Error, BrokerEndpoint Broker)> _changes = new();
    private readonly ConcurrentQueue<MqttConnectionException> _faults = new();

    public SupervisorHarness(Action<SwitchboardOptions>? configure = null)
    {
        var options = new SwitchboardOptions
        {
            Url = "mqtt://broker.test:1883",
            ClientId = "engine-test",
            KeepAlive = TimeSpan.Zero,
            RetryPolicy = RetryPolicy,
        };
        configure?.Invoke(options);
        Settings = OptionsValidator.Validate(options);
        Settings.OpenTransport = Broker.OpenAsync;
        Session = new SessionState(Settings.Options.MaxInflight);
        var callbacks = new SupervisorCallbacks
        {
            OnPublish = (_, message, _) =>
            {
                Received.Enqueue(message);
                return ValueTask.CompletedTask;
            },
            State = Session,
            OnConnectedAsync = (_, _) => Task.CompletedTask,
            CreateWill = _ => null,
            OnStateChanged = (previous, current, error, broker) => _changes.Enqueue((previous, current, error, broker)),
            OnFaulted = _faults.Enqueue,
            Acknowledgements = Acknowledgements,
        };
        Supervisor = new ConnectionSupervisor(Settings, Time, Logger, Counters, callbacks);
    }

    public TimerTrackingTimeProvider Time { get; } = new();

    public FakeBroker Broker { get; } = new();

    public RecordingRetryPolicy RetryPolicy { get; } = new();

    public RecordingLogger Logger { get; } = new();

    public RecordingAcknowledgements Acknowledgements { get; } = new();

    public ClientCounters Counters { get; } = new();

    public ClientSettings Settings { get; }

    public SessionState Session { get; }

    public ConnectionSupervisor Supervisor { get; }

    public MqttProtocol Protocol => Settings.Options.Protocol;

    public ConcurrentQueue<MqttMessage> Received { get; } = new();

    /// <summary>Every StateChanged, in order.</summary>
    public IReadOnlyList<(ConnectionState Previous, ConnectionState Current, Exception? Error, BrokerEndpoint Broker)> Changes => [.. _changes];

    public IReadOnlyList<MqttConnectionException> Faults => [.. _faults];

    /// <summary>The live session (asserted to exist).</summary>
    public ConnectionSession LiveSession => Supervisor.Current ?? throw new InvalidOperationException("No live session.");

    /// <summary>Connects for the first time: the client's CONNECT is answered with a successful CONNACK.</summary>
    public async Task<FakeBrokerConnection> ConnectAsync(bool sessionPresent = false)
    {
        var connecting = Supervisor.ConnectAsync(CancellationToken.None);
        var connection = await AcceptAsync(sessionPresent);
        await connecting.WaitAsync(Timeout);
        return connection;
    }

    /// <summary>Takes the next connection, reads its CONNECT and answers with a successful CONNACK.</summary>
    public async Task<FakeBrokerConnection> AcceptAsync(bool sessionPresent = false)
    {
        var connection = await Broker.NextConnectionAsync(Timeout);
        var (_, protocol) = await connection.ExpectConnectAsync();
        await connection.SendAsync(BrokerPackets.ConnAck(protocol, 0, sessionPresent));
        return connection;
    }

    /// <summary>Takes the next connection, which must go to <paramref name="host"/>, and reads its CONNECT.</summary>
    public async Task<FakeBrokerConnection> NextToAsync(string host, int? port = null)
    {
        var connection = await Broker.NextConnectionAsync(Timeout);
        Assert.True(connection.Endpoint.Host == host && (port is null || connection.Endpoint.Port == port), $"Connection {connection.Number} went to {connection.Endpoint}, not {host}{(port is null ? string.Empty : $":{port}")}; dialed so far: {string.Join(", ", Broker.Dialed)}");
        await connection.ExpectConnectAsync();
        return connection;
    }

    /// <summary>Waits for the <paramref name="occurrence"/>th change into <paramref name="state"/>; returns its error.</summary>
    public async Task<Exception?> WaitForStateAsync(ConnectionState state, int occurrence = 1)
    {
        await Eventually.WaitUntilAsync(() => Changes.Count(c => c.Current == state) >= occurrence, $"state {state} (#{occurrence}); changes so far: {Describe()}");
        return Changes.Where(c => c.Current == state).ElementAt(occurrence - 1).Error;
    }

    public string Describe() => string.Join(", ", Changes.Select(c => $"{c.Previous}→{c.Current}{(c.Error is null ? string.Empty : $" ({c.Error.Message})")}"));

    public async ValueTask DisposeAsync()
    {
        await Supervisor.DisposeAsync().AsTask().WaitAsync(Timeout);
        Broker.Dispose();
    }
}
