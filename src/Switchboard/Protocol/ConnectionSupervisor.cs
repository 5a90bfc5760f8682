using Microsoft.Extensions.Logging;

namespace Switchboard;

/// <summary>
/// Owns the connection: the first connect, reconnects with the retry policy, the fatal-code table, the 3.1.1
/// fallback, and keep-alive: a PINGREQ every half keep-alive whatever the traffic (which also catches a black-holed
/// connection of a client that only publishes) and a watchdog on its PINGRESP. The one place that decides to reconnect,
/// and where: the brokers of <see cref="ClientSettings.Brokers"/> are tried in order, a round (one pass over the list)
/// at a time, with the retry policy's delay between rounds, not between brokers; the client stays on the broker that
/// works and, once it is lost, starts the next round at the broker after it. A CONNACK or DISCONNECT with 0x9C/0x9D
/// and a Server Reference sends the client there (at most <see cref="MaxRedirections"/> hops in a row, never twice to
/// the same address); 0x9D also replaces the broker's entry for later connections.
/// </summary>
internal sealed class ConnectionSupervisor : IAsyncDisposable
{
    private readonly ClientSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ClientCounters _counters;
    private readonly SupervisorCallbacks _callbacks;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly BrokerEndpoint[] _brokers;
    private int _index;
    private BrokerEndpoint _endpoint;
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
        _brokers = [.. settings.Brokers];
        _endpoint = _brokers[0];
    }

    /// <summary>Most redirections followed in a row without a connection being made (loops are cut earlier: an
    /// address is never visited twice in one chain).</summary>
    public const int MaxRedirections = 5;

    /// <summary>The broker of the live connection, or of the attempt under way or last made.</summary>
    public BrokerEndpoint Endpoint => Volatile.Read(ref _endpoint);

    /// <summary>The brokers in the order they are tried, with the moves (0x9D) seen so far.</summary>
    public IReadOnlyList<BrokerEndpoint> Brokers => [.. _brokers];

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
        var round = 0;
        while (true)
        {
            round++;
            try
            {
                // Every round starts with the first broker of the list: it is the preferred one.
                var session = await ConnectRoundAsync(0, null, reconnect: false, linked.Token).ConfigureAwait(false);
                _supervision = Task.Run(() => SuperviseAsync(session));
                return;
            }
            catch (MqttConnectionException ex) when (!ex.IsFatal && _settings.Options.RetryFirstConnect && !linked.IsCancellationRequested)
            {
                _counters.RecordError(ex);
                if (!_settings.RetryPolicy.ShouldRetry(round, ex, out var delay))
                {
                    throw Faulted(ExceptionFactory.RetriesExhausted(Endpoint, round, ex));
                }

                Log.ReconnectFailed(_logger, round, Endpoint, ex.Message, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, _time, linked.Token).ConfigureAwait(false);
            }
            catch (MqttConnectionException ex) when (!ex.IsFatal && _settings.Options.RetryFirstConnect && cancellationToken.IsCancellationRequested)
            {
                // The caller gave up (a host's start timeout, say) while an attempt was failing: retrying was asked for,
                // so the cancellation is the outcome, not this attempt's error (which stays in the stats and the cause).
                _counters.RecordError(ex);
                SetState(ConnectionState.Disconnected, ex);
                throw new OperationCanceledException($"The first connection was still being retried when ConnectAsync was cancelled; last error: {ex.Message}", ex, cancellationToken);
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
        if (session is not null && session.IsAlive)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
                await session.DisconnectAsync(linked.Token).ConfigureAwait(false);
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
            var error = reason as MqttConnectionException ?? ExceptionFactory.ConnectionLost(session.Endpoint, reason);
            _counters.RecordError(error);
            if (error.IsFatal)
            {
                Faulted(error);
                return;
            }

            Log.ConnectionLost(_logger, session.Endpoint, error);
            SetState(ConnectionState.Reconnecting, error);

            // Where the first round starts: the broker's redirection when it sent one; the same broker when the client
            // itself ended the connection; otherwise the broker after the lost one (it is likely down), so the lost one
            // is tried last.
            var start = error.SameBroker ? _index : (_index + 1) % _brokers.Length;
            Redirection? redirect = null;
            if (error.ServerReference is not null && FollowRedirect(error, session.Endpoint, _index, new Redirection(session.Endpoint)) is { } first)
            {
                redirect = first;
                start = _index;
            }

            Exception last = error;
            for (var round = 1; ; round++)
            {
                if (!_settings.RetryPolicy.ShouldRetry(round, last, out var delay))
                {
                    Faulted(ExceptionFactory.RetriesExhausted(Endpoint, round - 1, last));
                    return;
                }

                try
                {
                    await Task.Delay(delay, _time, _stop.Token).ConfigureAwait(false);
                    session = await ConnectRoundAsync(start, round == 1 ? redirect : null, reconnect: true, _stop.Token).ConfigureAwait(false);
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
                    _settings.RetryPolicy.ShouldRetry(round + 1, ex, out var next);
                    Log.ReconnectFailed(_logger, round, Endpoint, ex.Message, (long)next.TotalMilliseconds);
                }
            }
        }
    }

    /// <summary>
    /// One round: every broker once, from <paramref name="start"/> on (wrapping), with no delay between them; the
    /// first, when <paramref name="redirect"/> is given, is replaced by the redirection's target. Returns the live
    /// session; a fatal refusal ends the round at once; otherwise the last broker's error is thrown.
    /// </summary>
    private async Task<ConnectionSession> ConnectRoundAsync(int start, Redirection? redirect, bool reconnect, CancellationToken cancellationToken)
    {
        for (var k = 0; ; k++)
        {
            var index = (start + k) % _brokers.Length;
            try
            {
                var session = await ConnectEntryAsync(index, k == 0 ? redirect : null, reconnect, cancellationToken).ConfigureAwait(false);
                _index = index;
                return session;
            }
            catch (Exception ex) when (k + 1 < _brokers.Length && ex is not OperationCanceledException && ex is not MqttConnectionException { IsFatal: true })
            {
                _counters.RecordError(ex);
                Log.TryingNextBroker(_logger, Endpoint, ex.Message, _brokers[(index + 1) % _brokers.Length]);
            }
        }
    }

    /// <summary>Connects to entry <paramref name="index"/> (or to where <paramref name="redirect"/> says first),
    /// following CONNACK redirections; throws the error of the last broker tried when none connects.</summary>
    private async Task<ConnectionSession> ConnectEntryAsync(int index, Redirection? redirect, bool reconnect, CancellationToken cancellationToken)
    {
        var chain = redirect ?? new Redirection(_brokers[index]);
        while (true)
        {
            try
            {
                return await EstablishAsync(chain.Target, reconnect, cancellationToken).ConfigureAwait(false);
            }
            catch (MqttConnectionException ex) when (ex.ServerReference is not null && !ex.IsFatal)
            {
                chain = FollowRedirect(ex, chain.Target, index, chain) ?? throw NotFollowed(ex, chain);
            }
        }
    }

    /// <summary>The next hop of a redirection chain, or null (logged) when it must not be followed: too many hops, a
    /// loop, an unreadable reference, or one that would leave TLS. 0x9D from the broker of entry <paramref name="index"/>
    /// replaces that entry.</summary>
    private Redirection? FollowRedirect(MqttConnectionException redirect, BrokerEndpoint from, int index, Redirection chain)
    {
        var reference = redirect.ServerReference!;
        string? why;
        var target = ServerReference.Resolve(reference, from, out why);
        if (target is not null && chain.Hops >= MaxRedirections)
        {
            why = $"{MaxRedirections} redirections in a row without a connection";
            target = null;
        }
        else if (target is not null && chain.Visited.Contains(Redirection.Key(target)))
        {
            why = $"{target} was already tried in this chain of redirections (a loop)";
            target = null;
        }

        if (target is null)
        {
            chain.Problem = why;
            Log.RedirectNotFollowed(_logger, from, Secrets.MaskUrls(reference), why!);
            return null;
        }

        var moved = redirect.ReasonCode == 0x9D;
        if (moved && Redirection.Key(_brokers[index]) == Redirection.Key(from))
        {
            _brokers[index] = target;
            Log.BrokerMoved(_logger, from, target, index + 1);
        }

        Log.Redirected(_logger, from, target, moved ? "server moved" : "use another server", redirect.ReasonCode, chain.Hops + 1, MaxRedirections);
        return chain.Next(target);
    }

    private static MqttConnectionException NotFollowed(MqttConnectionException redirect, Redirection chain) =>
        ExceptionFactory.RedirectionNotFollowed(redirect, chain.Problem ?? "it could not be read");

    /// <summary>A chain of redirections: where it goes now, how many hops it took, and every address it touched.</summary>
    private sealed class Redirection
    {
        public Redirection(BrokerEndpoint origin)
        {
            Target = origin;
            Visited = [Key(origin)];
        }

        private Redirection(Redirection from, BrokerEndpoint target)
        {
            Target = target;
            Hops = from.Hops + 1;
            Visited = [.. from.Visited, Key(target)];
        }

        public BrokerEndpoint Target { get; }

        public int Hops { get; }

        public HashSet<(string, string, int, string)> Visited { get; }

        public string? Problem { get; set; }

        public static (string, string, int, string) Key(BrokerEndpoint endpoint) =>
            (endpoint.Scheme, endpoint.Host.ToLowerInvariant(), endpoint.Port, endpoint.UseWebSocket ? endpoint.Path : string.Empty);

        public Redirection Next(BrokerEndpoint target) => new(this, target);
    }

    /// <summary>One connection attempt, through to the callbacks that restore subscriptions; the session is live when it returns.</summary>
    private async Task<ConnectionSession> EstablishAsync(BrokerEndpoint endpoint, bool reconnect, CancellationToken cancellationToken)
    {
        var session = await ConnectOnceAsync(endpoint, cancellationToken).ConfigureAwait(false);
        try
        {
            await _callbacks.OnConnectedAsync(session, cancellationToken).ConfigureAwait(false);
            if (!session.IsAlive)
            {
                throw ExceptionFactory.ConnectionLost(endpoint, await session.LostTask.ConfigureAwait(false));
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

        Log.Connected(_logger, endpoint, _settings.ClientId, session.Protocol, session.SessionPresent, session.InflightLimit);
        SetState(ConnectionState.Connected, null);
        if (_settings.Options.KeepAlive > TimeSpan.Zero)
        {
            _ = Task.Run(() => WatchdogAsync(session));
        }

        return session;
    }

    private async Task<ConnectionSession> ConnectOnceAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _endpoint, endpoint);
        var settings = _settings.ForBroker(endpoint);
        var protocol = _protocol;
        var session = new ConnectionSession(settings, protocol, Interlocked.Increment(ref _epoch), _callbacks.State, _callbacks.Acknowledgements, _callbacks.OnPublish, _logger);
        using var timeout = new CancellationTokenSource(_settings.Options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        ConnAckPacket result;
        try
        {
            result = await session.ConnectAsync(CreateConnect(settings, protocol), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            session.Dispose();
            throw ExceptionFactory.ConnectTimedOut(endpoint, _settings.Options.ConnectTimeout);
        }
        catch (OperationCanceledException)
        {
            session.Dispose();
            throw;
        }
        catch (Exception ex)
        {
            session.Dispose();
            throw ex as MqttConnectionException ?? ExceptionFactory.ConnectionFailed(endpoint, ex);
        }

        if (session.ConnectReasonCode != 0)
        {
            session.Dispose();
            if (session.ConnectReasonCode == 0x84 && protocol == MqttProtocol.V500)
            {
                Log.ProtocolFallback(_logger, endpoint);
                _protocol = MqttProtocol.V311;
                return await ConnectOnceAsync(endpoint, cancellationToken).ConfigureAwait(false);
            }

            throw ExceptionFactory.ConnectRefused(session.ConnectReasonCode, result.ReasonString, endpoint, result.ServerReference);
        }

        // Receive-maximum 0/absent means the MQTT 5 default of 65535 (and 3.1.1 has none).
        var brokerLimit = result.ReceiveMaximum is > 0 ? result.ReceiveMaximum : ushort.MaxValue;
        session.InflightLimit = Math.Min(Math.Min(_settings.Options.MaxInflight, brokerLimit), PacketIdTable.MaxInflight);
        if (!result.SessionPresent)
        {
            // The broker forgot the session: no QoS 2 message it sent before can come again.
            _callbacks.State.ForgetIncoming();
        }

        return session;
    }

    // Not a conditional expression: `null` would convert to an empty ReadOnlyMemory (through byte[]), not to no password.
    private static ReadOnlyMemory<byte>? PasswordBytes(ClientSettings settings)
    {
        if (settings.Password is null)
        {
            return null;
        }

        return System.Text.Encoding.UTF8.GetBytes(settings.Password);
    }

    private ConnectPacket CreateConnect(ClientSettings settings, MqttProtocol protocol)
    {
        var options = _settings.Options;
        var v5 = protocol == MqttProtocol.V500;
        return new ConnectPacket
        {
            Protocol = protocol,
            ClientId = _settings.ClientId,
            Username = settings.Username,
            Password = PasswordBytes(settings),
            KeepAliveSeconds = (ushort)Math.Min(ushort.MaxValue, options.KeepAlive.TotalSeconds),
            CleanStart = options.CleanStart,
            SessionExpiryInterval = v5 ? (uint)options.SessionExpiry.TotalSeconds : 0,
            // The broker may not send more unacknowledged QoS ≥ 1 messages than the incoming queue holds: this is
            // what turns a slow handler into backpressure at the broker instead of memory growth here.
            ReceiveMaximum = v5 ? (ushort)Math.Min(options.IncomingQueueCapacity, ushort.MaxValue) : (ushort)0,
            MaximumPacketSize = v5 ? (uint)ConnectionSession.MaximumIncomingPacketSize : 0,
            TopicAliasMaximum = v5 ? ConnectionSession.IncomingTopicAliasMaximum : (ushort)0,
            Will = _callbacks.CreateWill(protocol),
        };
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

            var ping = session.PingAsync(session.Lost);
            var received = session.BytesReceived;
            try
            {
                while (true)
                {
                    using var timeout = new CancellationTokenSource(interval, _time);
                    try
                    {
                        await ping.WaitAsync(timeout.Token).ConfigureAwait(false);
                        break;
                    }
                    catch (OperationCanceledException) when (timeout.IsCancellationRequested && session.IsAlive && (session.IsReceivePathHeld || session.BytesReceived != received))
                    {
                        // Either a handler holds the receive path, so the PINGRESP may be sitting unread, or bytes
                        // are still arriving and the PINGRESP is queued behind them (a large message from a slow
                        // link: Mosquitto 2.0's WebSocket listener sends 4 KB per 100 ms). Neither says the
                        // connection is dead. Another PINGREQ goes out (they bypass the cork), so the broker keeps
                        // the connection; judge again after another interval.
                        received = session.BytesReceived;
                        ping = session.PingAsync(session.Lost);
                    }
                }
            }
            catch (OperationCanceledException) when (session.IsAlive)
            {
                session.MarkLost(ExceptionFactory.KeepAliveTimeout(session.Endpoint, interval, null));
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
        Log.Faulted(_logger, Endpoint, error.Message, error);
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

        _callbacks.OnStateChanged(previous, state, error, Endpoint);
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
    /// <summary>A message from the broker, called on the receive path; a returned task not yet complete is backpressure.</summary>
    public required Func<ConnectionSession, MqttMessage, ushort, ValueTask> OnPublish { get; init; }

    /// <summary>Where the acknowledgements of publishes go (the pump, which is made after the supervisor; set before
    /// the first connect).</summary>
    public IPublishAcknowledgements Acknowledgements { get; set; } = null!;

    /// <summary>What the MQTT session keeps across connections.</summary>
    public required SessionState State { get; init; }

    /// <summary>Runs after CONNACK and before the session is offered to publishers: restore subscriptions, announce health.</summary>
    public required Func<ConnectionSession, CancellationToken, Task> OnConnectedAsync { get; init; }

    public required Func<MqttProtocol, WillMessage?> CreateWill { get; init; }

    /// <summary>The state changed (previous, current, error, and the broker of the change).</summary>
    public required Action<ConnectionState, ConnectionState, Exception?, BrokerEndpoint> OnStateChanged { get; init; }

    public required Action<MqttConnectionException> OnFaulted { get; init; }
}
