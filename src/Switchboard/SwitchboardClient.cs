using System.Buffers;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard;

/// <summary>
/// The one MQTT client a service needs: a single self-healing connection, a bounded outgoing queue that survives
/// disconnects, a spec-exact topic router, JSON envelopes, health, request/response. Create one per process and
/// share it; every member is thread-safe.
/// </summary>
public sealed partial class SwitchboardClient : IAsyncDisposable
{
    private readonly ClientSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ClientCounters _counters = new();
    private readonly OutgoingQueue _queue;
    private readonly ConnectionSupervisor _supervisor;
    private readonly PublishPump _pump;
    private readonly SessionState _session;
    private readonly SubscriptionTable _table = new();
    private readonly IncomingDispatcher _dispatcher;
    private readonly DedupeCache? _dedupe;
    private readonly DurableOutbox? _outbox;
    private readonly PendingRequests _requests = new();
    private readonly SwitchboardMetrics _metrics;
    private readonly ClientTelemetry _telemetry;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<ConnectionStateChangedEventArgs> _stateEvents = Channel.CreateUnbounded<ConnectionStateChangedEventArgs>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pumpTask;
    private readonly Task _eventsTask;
    private readonly Lock _lifecycle = new();
    private Task? _heartbeatTask;
    private Task? _shutdownTask;
    private bool _everConnected;

    /// <summary>Creates a client. Validates the options (throwing <see cref="SwitchboardConfigurationException"/>) but
    /// does not connect: call <see cref="ConnectAsync"/>. Messages published before that wait in the queue.</summary>
    /// <param name="options">The settings; a copy is taken.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="timeProvider">Clock for every delay, timer and timestamp; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="meterFactory">Creates the <c>Switchboard</c> meter; a standalone meter by default.</param>
    public SwitchboardClient(SwitchboardOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        _settings = OptionsValidator.Validate(options);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Switchboard");
        var o = _settings.Options;
        _outbox = o.OutboxPath is null ? null : DurableOutbox.Open(o.OutboxPath, _settings.ClientId, _logger, fsync: o.OutboxFsync);
        _queue = new OutgoingQueue(o.QueueCapacity, o.OverflowPolicy, OnDropped, _outbox, _time);
        if (_outbox is not null)
        {
            // What a previous process accepted but never got acknowledged goes out first, in its original order.
            _queue.Restore(_outbox.Recovered);
        }

        _telemetry = new ClientTelemetry(_settings.ClientId, _settings.Endpoint.Host, _settings.Endpoint.Port, _time);
        _dedupe = o.DedupeTtl > TimeSpan.Zero ? new DedupeCache(o.DedupeTtl, o.DedupeMaxEntries, _time) : null;
        _dispatcher = new IncomingDispatcher(o.IncomingQueueCapacity, _table, _dedupe, _counters, _logger, withholdAckOnFailure: _settings.PersistentSession, _stopping.Token, _time, o.MaxRedeliveries)
        {
            Poisoned = OnPoisoned,
            Telemetry = _telemetry,
            WindowStalled = (session, withheld) => session.MarkLost(ExceptionFactory.WindowStalled(session.Endpoint, withheld)),
        };
        _session = new SessionState(o.MaxInflight);
        var callbacks = new SupervisorCallbacks
        {
            OnPublish = OnPublishReceived,
            State = _session,
            OnConnectedAsync = OnConnectedAsync,
            CreateWill = CreateWill,
            OnStateChanged = (previous, current, error, broker) => _stateEvents.Writer.TryWrite(new ConnectionStateChangedEventArgs(previous, current, error, broker.ToString())),
            OnFaulted = OnFaulted,
        };
        _supervisor = new ConnectionSupervisor(_settings, _time, _logger, _counters, callbacks);
        _pump = new PublishPump(_queue, _supervisor, _session, _counters, _logger, _time);
        callbacks.Acknowledgements = _pump;
        if (_outbox is not null)
        {
            _pump.Acknowledged = _outbox.Remove;
        }

        _metrics = new SwitchboardMetrics(meterFactory, _settings.ClientId, _counters, () => _queue.Count, () => _dispatcher.Count, () => _supervisor.State, _settings.Endpoint.Host, _settings.Endpoint.Port);
        _telemetry.AttachMeter(_metrics.Meter);
        _pumpTask = Task.Run(() => _pump.RunAsync(_stopping.Token));
        _eventsTask = Task.Run(RaiseStateEventsAsync);
    }

    /// <summary>Raised (off the I/O path, in order) whenever <see cref="State"/> changes.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>Raised when a reconnect finds that the broker did not keep the persistent session; subscriptions
    /// have been restored, but messages sent meanwhile to this client's session are gone.</summary>
    public event EventHandler? SessionLost;

    /// <summary>The client id.</summary>
    public string ClientId => _settings.ClientId;

    /// <summary>The <c>source</c> written into envelopes.</summary>
    public string SourceName => _settings.SourceName;

    /// <summary>The connection state.</summary>
    public ConnectionState State => _supervisor.State;

    /// <summary>The protocol in use; 3.1.1 after an automatic fallback.</summary>
    public MqttProtocol Protocol => _supervisor.Protocol;

    /// <summary>A copy of the validated options.</summary>
    public SwitchboardOptions Options => _settings.Options.Clone();

    /// <summary>The topic this client's health is published on: <c>system/health/{ClientId}</c>.</summary>
    public string HealthTopic => _settings.HealthTopic;

    /// <summary>Connects to the broker (with several in <see cref="SwitchboardOptions.Url"/>, to the first of them that
    /// accepts, in order). Fatal refusals (bad credentials, not authorized, banned …) throw
    /// <see cref="MqttConnectionException"/> at once; transient ones too once every broker was tried, unless
    /// <see cref="SwitchboardOptions.RetryFirstConnect"/> is set. Once connected, the client reconnects by itself.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfShutDown();
        await _supervisor.ConnectAsync(cancellationToken).ConfigureAwait(false);
        lock (_lifecycle)
        {
            if (_settings.Options.EnableHeartbeat && _heartbeatTask is null)
            {
                _heartbeatTask = Task.Run(() => HeartbeatLoopAsync(_stopping.Token));
            }
        }
    }

    /// <summary>A snapshot of the counters.</summary>
    public SwitchboardStats GetStats() => new()
    {
        Published = Volatile.Read(ref _counters.Published),
        Received = Volatile.Read(ref _counters.Received),
        Queued = _queue.Count,
        Inflight = Volatile.Read(ref _counters.Inflight),
        Dropped = Volatile.Read(ref _counters.Dropped),
        PublishErrors = Volatile.Read(ref _counters.PublishErrors),
        DuplicatesDropped = Volatile.Read(ref _counters.DuplicatesDropped),
        Reconnects = Volatile.Read(ref _counters.Reconnects),
        Resent = Volatile.Read(ref _counters.Resent),
        HandlerErrors = Volatile.Read(ref _counters.HandlerErrors),
        MalformedEnvelopes = Volatile.Read(ref _counters.MalformedEnvelopes),
        PoisonMessages = Volatile.Read(ref _counters.PoisonMessages),
        Unrouted = Volatile.Read(ref _counters.Unrouted),
        IncomingQueued = _dispatcher.Count,
        SessionsLost = Volatile.Read(ref _counters.SessionsLost),
        LastError = _counters.LastError,
        State = _supervisor.State,
        Broker = _supervisor.Endpoint.ToString(),
    };

    /// <inheritdoc/>
    public override string ToString() => $"SwitchboardClient {_settings.ClientId} → {_supervisor.Endpoint} ({State})";

    private async Task OnConnectedAsync(ConnectionSession session, CancellationToken cancellationToken)
    {
        var pending = _table.BeginSession(session.SessionPresent);
        if (_everConnected && _settings.PersistentSession && !session.SessionPresent)
        {
            Interlocked.Increment(ref _counters.SessionsLost);
            Log.SessionLost(_logger, _settings.ClientId);
            RaiseSessionLost();
        }

        _everConnected = true;
        var version = -1L;
        while (true)
        {
            await SubscribeEntriesAsync(session, pending, throwOnRefusal: false, cancellationToken).ConfigureAwait(false);
            if (_table.TryActivate(session, version, out pending, out version))
            {
                break;
            }
        }

        if (_settings.Options.EnableHealth)
        {
            _queue.EnqueueUrgent(CreateHealthMessage(ok: true, "ready", err: null, awaited: false));
        }
    }

    /// <summary>A message from the broker, on the receive path of its connection.</summary>
    private ValueTask OnPublishReceived(ConnectionSession session, MqttMessage message, ushort packetId)
    {
        Interlocked.Increment(ref _counters.Received);
        var incoming = new IncomingMessage(message, session, packetId);
        if (_requests.TryComplete(message, out _))
        {
            _ = IncomingDispatcher.AcknowledgeAsync(incoming);
            return ValueTask.CompletedTask;
        }

        return DispatchAsync(incoming);
    }

    /// <summary>Hands a received message to the dispatcher; never faults (a wait cut short leaves it unacknowledged).</summary>
    private ValueTask DispatchAsync(IncomingMessage incoming)
    {
        var write = _dispatcher.EnqueueAsync(incoming, incoming.Session.Lost);
        return write.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitEnqueue(write);

        static async ValueTask AwaitEnqueue(ValueTask write)
        {
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The connection died while we waited for room; unacknowledged, so the broker may send it again.
            }
            catch (ChannelClosedException)
            {
            }
        }
    }

    /// <summary>A message acknowledged as poison goes to the dead-letter topic, when there is one (never blocks).</summary>
    private void OnPoisoned(MqttMessage message, int attempts, Exception error)
    {
        if (_settings.Options.DeadLetterTopic is not { } topic)
        {
            return;
        }

        string payload;
        var encoding = "utf-8";
        try
        {
            payload = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(message.Payload.Span);
        }
        catch (ArgumentException)
        {
            payload = Convert.ToBase64String(message.Payload.Span);
            encoding = "base64";
        }

        var letter = new DeadLetter(message.Topic, attempts, error.Message, payload, encoding);
        var body = EnvelopeCodec.EncodeWithNewId("switchboard.dead_letter", UnixNow(), _settings.SourceName, letter, SwitchboardJsonContext.Default.DeadLetter);
        if (!_queue.TryEnqueue(new OutgoingMessage(topic, body, Qos.AtLeastOnce, retain: false, awaited: false) { ContentType = "application/json" }))
        {
            Log.DeadLetterFailed(_logger, message.Topic, topic);
        }
    }

    private void OnDropped(OutgoingMessage message)
    {
        Interlocked.Increment(ref _counters.Dropped);
        Log.MessageDropped(_logger, _queue.Capacity, message.Topic, _queue.Policy);
        _outbox?.Remove(message);
        _pump.Forget(message);
        message.Fail(new MessageDroppedException(message.Topic, _queue.Policy, _queue.Capacity));
    }

    private void OnFaulted(MqttConnectionException fault)
    {
        // Every accepted message ends: a faulted client will not send again, so fail what is waiting.
        var abandoned = _queue.Close(() => new MqttConnectionException(fault.Message, fault.ReasonCode, fault.IsFatal, fault));
        abandoned.AddRange(_pump.TakeInflight());
        FailAbandoned(abandoned, fault);

        // The pump may still be putting back messages of the dead session; once it has stopped, fail those too.
        _ = _pumpTask.ContinueWith(
            static (_, state) =>
            {
                var (client, error) = ((SwitchboardClient, MqttConnectionException))state!;
                var late = client._queue.Close(() => new MqttConnectionException(error.Message, error.ReasonCode, error.IsFatal, error));
                late.AddRange(client._pump.TakeInflight());
                client.FailAbandoned(late, error);
            },
            (this, fault),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void FailAbandoned(List<OutgoingMessage> abandoned, MqttConnectionException fault)
    {
        foreach (var message in abandoned)
        {
            _pump.Forget(message);
            Interlocked.Increment(ref _counters.PublishErrors);
            message.Fail(ExceptionFactory.NotDeliveredFaulted(message.Topic, fault, keptInOutbox: message.OutboxPosition >= 0));
        }
    }

    private void RaiseSessionLost()
    {
        var handler = SessionLost;
        if (handler is not null)
        {
            ThreadPool.QueueUserWorkItem(_ => handler(this, EventArgs.Empty));
        }
    }

    private async Task RaiseStateEventsAsync()
    {
        await foreach (var change in _stateEvents.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                StateChanged?.Invoke(this, change);
            }
            catch (Exception ex)
            {
                Log.HandlerFailed(_logger, nameof(StateChanged), change.Current.ToString(), ex);
            }
        }
    }

    private void ThrowIfShutDown()
    {
        if (_shutdownTask is not null)
        {
            throw ExceptionFactory.ShutDown();
        }
    }
}
