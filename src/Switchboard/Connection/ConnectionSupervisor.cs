using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Switchboard;

/// <summary>
/// Owns the connection: the first connect, reconnects with the retry policy, the fatal-code table, the 3.1.1
/// fallback, and dead-connection detection by ping (which also catches a black-holed connection of a client
/// that only publishes, where MQTTnet's own keep-alive never pings). The one place that decides to reconnect.
/// </summary>
internal sealed class ConnectionSupervisor : IAsyncDisposable
{
    private readonly ClientSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ClientCounters _counters;
    private readonly SupervisorCallbacks _callbacks;
    private readonly MqttClientFactory _factory = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource<ConnectionSession> _connected = NewSignal();
    private ConnectionSession? _current;
    private ConnectionState _state = ConnectionState.Disconnected;
    private MqttProtocol _protocol;
    private Task _supervision = Task.CompletedTask;
    private long _epoch;
    private Exception? _fault;

    public ConnectionSupervisor(ClientSettings settings, TimeProvider time, ILogger logger, ClientCounters counters, SupervisorCallbacks callbacks)
    {
        _settings = settings;
        _time = time;
        _logger = logger;
        _counters = counters;
        _callbacks = callbacks;
        _protocol = settings.Options.Protocol;
    }

    /// <summary>The AppContext switch <c>Switchboard.PlainTransport</c> turns the coalescing transport off (MQTTnet's
    /// own TCP channel then writes each packet itself); for A/B measurements and as an escape hatch.</summary>
    public static bool PlainTransport => AppContext.TryGetSwitch("Switchboard.PlainTransport", out var plain) && plain;

    public ConnectionState State => _state;

    public ConnectionSession? Current => _current;

    /// <summary>The protocol in use (after any fallback).</summary>
    public MqttProtocol Protocol => _protocol;

    public Exception? Fault => _fault;

    /// <summary>Connects for the first time, then supervises the connection in the background.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_state != ConnectionState.Disconnected || _stop.IsCancellationRequested)
            {
                throw new InvalidOperationException($"ConnectAsync was already called (state {_state}); the client reconnects by itself.");
            }
        }

        SetState(ConnectionState.Connecting, null);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var attempt = 0;
        while (true)
        {
            attempt++;
            try
            {
                var session = await EstablishAsync(reconnect: false, linked.Token).ConfigureAwait(false);
                _supervision = Task.Run(() => SuperviseAsync(session));
                return;
            }
            catch (MqttConnectionException ex) when (!ex.IsFatal && _settings.Options.RetryFirstConnect && !linked.IsCancellationRequested)
            {
                _counters.RecordError(ex);
                if (!_settings.RetryPolicy.ShouldRetry(attempt, ex, out var delay))
                {
                    throw Faulted(ExceptionFactory.RetriesExhausted(_settings.Endpoint, attempt, ex));
                }

                Log.ReconnectFailed(_logger, attempt, _settings.Endpoint, ex.Message, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, _time, linked.Token).ConfigureAwait(false);
            }
            catch (MqttConnectionException ex)
            {
                _counters.RecordError(ex);
                if (ex.IsFatal)
                {
                    throw Faulted(ex);
                }

                SetState(ConnectionState.Disconnected, ex);
                throw;
            }
            catch (OperationCanceledException)
            {
                SetState(ConnectionState.Disconnected, null);
                throw;
            }
        }
    }

    /// <summary>Returns the live session, waiting for one while reconnecting. Throws the fault when faulted.</summary>
    public Task<ConnectionSession> WaitForSessionAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<ConnectionSession> signal;
        lock (_lock)
        {
            signal = _connected;
        }

        return signal.Task.IsCompleted ? signal.Task : signal.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops supervising and disconnects cleanly (a normal DISCONNECT, so the broker discards the will).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        var session = Interlocked.Exchange(ref _current, null);
        if (session is not null && session.IsAlive && session.Client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
                await session.Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), linked.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The connection died first; there is nobody left to say goodbye to.
            }
        }

        // Disposing marks the session lost, which wakes the supervision loop; it sees the stop and ends.
        session?.Dispose();
        try
        {
            await _supervision.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        // A reconnect that completed while we were stopping leaves a session behind; close it too.
        session = Interlocked.Exchange(ref _current, null);
        session?.Dispose();
        lock (_lock)
        {
            _connected.TrySetException(ExceptionFactory.ShutDown());
        }

        if (_state != ConnectionState.Faulted)
        {
            SetState(ConnectionState.Disconnected, null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SuperviseAsync(ConnectionSession session)
    {
        while (true)
        {
            var reason = await session.LostTask.ConfigureAwait(false);
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            lock (_lock)
            {
                if (_connected.Task.IsCompleted)
                {
                    _connected = NewSignal();
                }
            }

            session.Dispose();
            var error = reason as MqttConnectionException ?? ExceptionFactory.ConnectionLost(_settings.Endpoint, reason);
            _counters.RecordError(error);
            if (error.IsFatal)
            {
                Faulted(error);
                return;
            }

            Log.ConnectionLost(_logger, _settings.Endpoint, error);
            SetState(ConnectionState.Reconnecting, error);
            Exception last = error;
            for (var attempt = 1; ; attempt++)
            {
                if (!_settings.RetryPolicy.ShouldRetry(attempt, last, out var delay))
                {
                    Faulted(ExceptionFactory.RetriesExhausted(_settings.Endpoint, attempt - 1, last));
                    return;
                }

                try
                {
                    await Task.Delay(delay, _time, _stop.Token).ConfigureAwait(false);
                    session = await EstablishAsync(reconnect: true, _stop.Token).ConfigureAwait(false);
                    break;
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (MqttConnectionException ex) when (ex.IsFatal)
                {
                    Faulted(ex);
                    return;
                }
                catch (Exception ex)
                {
                    last = ex;
                    _counters.RecordError(ex);
                    _settings.RetryPolicy.ShouldRetry(attempt + 1, ex, out var next);
                    Log.ReconnectFailed(_logger, attempt, _settings.Endpoint, ex.Message, (long)next.TotalMilliseconds);
                }
            }
        }
    }

    /// <summary>One connection attempt, through to the callbacks that restore subscriptions; the session is live when it returns.</summary>
    private async Task<ConnectionSession> EstablishAsync(bool reconnect, CancellationToken cancellationToken)
    {
        var session = await ConnectOnceAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _callbacks.OnConnectedAsync(session, cancellationToken).ConfigureAwait(false);
            if (!session.IsAlive)
            {
                throw ExceptionFactory.ConnectionLost(_settings.Endpoint, await session.LostTask.ConfigureAwait(false));
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }

        lock (_lock)
        {
            _current = session;
            _connected.TrySetResult(session);
        }

        if (reconnect)
        {
            // Counted before the state changes, so whoever watches StateChanged reads a count that includes this one.
            Interlocked.Increment(ref _counters.Reconnects);
        }

        Log.Connected(_logger, _settings.Endpoint, _settings.ClientId, session.Protocol, session.SessionPresent, session.InflightLimit);
        SetState(ConnectionState.Connected, null);
        if (_settings.Options.KeepAlive > TimeSpan.Zero)
        {
            _ = Task.Run(() => WatchdogAsync(session));
        }

        return session;
    }

    private async Task<ConnectionSession> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var protocol = _protocol;
        var client = _factory.CreateMqttClient();
        var transport = _settings.Endpoint.UseWebSocket || PlainTransport ? null : new CoalescingStreamProvider(packetAware: !_settings.Endpoint.UseTls);
        var session = new ConnectionSession(client, protocol, Interlocked.Increment(ref _epoch)) { Transport = transport };
        client.ApplicationMessageReceivedAsync += e => _callbacks.OnMessageAsync(session, e);
        if (transport is { PacketAware: true })
        {
            // QoS 0/1 messages are decoded from the stream by us; MQTTnet's event then only sees QoS 2.
            transport.Publishes = new PublishReceiver(session, _callbacks.OnPublish);
        }

        client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                var code = (int)e.Reason;
                session.MarkLost(code is not 0 and not 4 && e.Exception is null
                    ? ExceptionFactory.DisconnectedByBroker(code, e.ReasonString, _settings.Endpoint)
                    : ExceptionFactory.ConnectionLost(_settings.Endpoint, e.Exception));
            }

            return Task.CompletedTask;
        };

        var options = MqttClientOptionsFactory.Create(_settings, protocol, _callbacks.CreateWill(protocol), transport);
        using var timeout = new CancellationTokenSource(_settings.Options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        MqttClientConnectResult result;
        try
        {
            result = await client.ConnectAsync(options, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            session.Dispose();
            throw ExceptionFactory.ConnectTimedOut(_settings.Endpoint, _settings.Options.ConnectTimeout);
        }
        catch (OperationCanceledException)
        {
            session.Dispose();
            throw;
        }
        catch (Exception ex)
        {
            session.Dispose();
            throw ExceptionFactory.ConnectionFailed(_settings.Endpoint, ex);
        }

        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            session.Dispose();
            if (result.ResultCode == MqttClientConnectResultCode.UnsupportedProtocolVersion && protocol == MqttProtocol.V500)
            {
                Log.ProtocolFallback(_logger, _settings.Endpoint);
                _protocol = MqttProtocol.V311;
                return await ConnectOnceAsync(cancellationToken).ConfigureAwait(false);
            }

            throw ExceptionFactory.ConnectRefused((int)result.ResultCode, result.ReasonString, _settings.Endpoint);
        }

        session.ConnectResult = result;
        // Receive-maximum 0/absent means the MQTT 5 default of 65535 (and 3.1.1 has none).
        var brokerLimit = result.ReceiveMaximum is > 0 ? result.ReceiveMaximum.Value : ushort.MaxValue;
        session.InflightLimit = Math.Min(_settings.Options.MaxInflight, brokerLimit);
        return session;
    }

    private async Task WatchdogAsync(ConnectionSession session)
    {
        var interval = _settings.Options.KeepAlive / 2;
        while (session.IsAlive)
        {
            try
            {
                await Task.Delay(interval, _time, session.Lost).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(interval, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, session.Lost);
            try
            {
                await session.Client.PingAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (session.IsAlive)
            {
                session.MarkLost(ExceptionFactory.KeepAliveTimeout(_settings.Endpoint, interval, ex));
                return;
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    private MqttConnectionException Faulted(MqttConnectionException error)
    {
        _fault = error;
        _counters.RecordError(error);
        Log.Faulted(_logger, _settings.Endpoint, error.Message, error);
        lock (_lock)
        {
            if (_connected.Task.IsCompleted)
            {
                _connected = NewSignal();
            }

            _connected.TrySetException(error);
        }

        SetState(ConnectionState.Faulted, error);
        _callbacks.OnFaulted(error);
        return error;
    }

    private void SetState(ConnectionState state, Exception? error)
    {
        ConnectionState previous;
        lock (_lock)
        {
            previous = _state;
            if (previous == state || previous == ConnectionState.Faulted)
            {
                return;
            }

            _state = state;
        }

        _callbacks.OnStateChanged(previous, state, error);
    }

    private static TaskCompletionSource<ConnectionSession> NewSignal()
    {
        var signal = new TaskCompletionSource<ConnectionSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        return signal;
    }
}

/// <summary>What the supervisor asks of the client around a connection.</summary>
internal sealed class SupervisorCallbacks
{
    public required Func<ConnectionSession, MqttApplicationMessageReceivedEventArgs, Task> OnMessageAsync { get; init; }

    /// <summary>A QoS 0/1 message decoded from the stream (packet-aware transports); called on the receive path.</summary>
    public required Func<ConnectionSession, MqttMessage, ushort, ValueTask> OnPublish { get; init; }

    /// <summary>Runs after CONNACK and before the session is offered to publishers: restore subscriptions, announce health.</summary>
    public required Func<ConnectionSession, CancellationToken, Task> OnConnectedAsync { get; init; }

    public required Func<MqttProtocol, MqttApplicationMessage?> CreateWill { get; init; }

    public required Action<ConnectionState, ConnectionState, Exception?> OnStateChanged { get; init; }

    public required Action<MqttConnectionException> OnFaulted { get; init; }
}
