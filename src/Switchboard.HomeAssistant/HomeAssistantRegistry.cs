using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant;

/// <summary>
/// Everything Home Assistant's MQTT discovery describes on the broker, kept live. <see cref="StartAsync"/> subscribes
/// <c>&lt;prefix&gt;/#</c>; each valid config becomes a <see cref="HomeAssistantEntity"/> whose state, attributes and
/// availability follow their topics; updates replace configs in place, empty payloads remove them, malformed ones are
/// counted (<see cref="GetStats"/>), kept in <see cref="Rejections"/> and logged — never thrown. Entities group into
/// <see cref="Devices"/> by device identifiers. Events are raised in order on a background task, never on the client's
/// dispatch loop. Thread-safe.
/// </summary>
public sealed partial class HomeAssistantRegistry : IAsyncDisposable
{
    private readonly HomeAssistantOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly HashSet<string> _components;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HomeAssistantEntity> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HomeAssistantEntity> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TaskCompletionSource<HomeAssistantEntity>>> _waiters = new(StringComparer.Ordinal);
    private readonly Queue<DiscoveryRejection> _rejections = new();
    private readonly Dictionary<RejectionReason, long> _rejectedByReason = [];
    private readonly TopicRouter _router = new();
    private readonly Channel<ReconcileItem> _reconcile = Channel.CreateUnbounded<ReconcileItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Counters _counters = new();
    private Task? _workerTask;
    private string? _lastDebugText;
    private byte[] _lastDebugBytes = [];
    private Task? _readyTask;
    private Subscription? _discovery;
    private int _started;
    private int _disposed;

    /// <summary>Creates a registry on <paramref name="client"/>; call <see cref="StartAsync"/> to begin.</summary>
    /// <param name="client">The connection to use (connected or not: subscriptions are made on connect). While it is not
    /// <see cref="ConnectionState.Connected"/>, every entity is unavailable (<see cref="HomeAssistantEntity.IsAvailable"/>).</param>
    /// <param name="options">Discovery prefix and other settings; a copy is taken.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="timeProvider">Clock for <see cref="EntityState.LastChanged"/>, rejection timestamps and the
    /// <c>expire_after</c> and <c>off_delay</c> timers.</param>
    public HomeAssistantRegistry(SwitchboardClient client, HomeAssistantOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
        _options = (options ?? new HomeAssistantOptions()).Clone();
        _options.Validate();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Switchboard.HomeAssistant.Registry");
        _time = timeProvider ?? TimeProvider.System;
        _components = new HashSet<string>(HomeAssistantComponents.Supported, StringComparer.Ordinal);
        _components.UnionWith(_options.AdditionalComponents);
        _eventsTask = Task.Run(RaiseEventsAsync);
        FollowConnection();
    }

    /// <summary>The client the registry subscribes and publishes with.</summary>
    public SwitchboardClient Client { get; }

    /// <summary>The discovery prefix in use.</summary>
    public string DiscoveryPrefix => _options.DiscoveryPrefix;

    /// <summary>A snapshot of the entities.</summary>
    public IReadOnlyList<HomeAssistantEntity> Entities
    {
        get
        {
            lock (_gate)
            {
                return [.. _byKey.Values];
            }
        }
    }

    /// <summary>A snapshot of the devices: entities grouped by shared device identifiers or connections.</summary>
    public IReadOnlyList<HomeAssistantDevice> Devices => HomeAssistantDevice.Group(Entities);

    /// <summary>The most recent refused discovery messages (see <see cref="HomeAssistantOptions.RejectionHistory"/>).</summary>
    public IReadOnlyList<DiscoveryRejection> Rejections
    {
        get
        {
            lock (_gate)
            {
                return [.. _rejections];
            }
        }
    }

    internal HomeAssistantOptions OptionsSnapshot => _options;

    internal ILogger Logger => _logger;

    internal TimeProvider Clock => _time;

    internal TimeProvider Time => _time;

    /// <summary>Subscribes to <c>&lt;prefix&gt;/#</c> and, unless <see cref="HomeAssistantOptions.TasmotaDiscoveryPrefix"/>
    /// is null, to Tasmota's <c>tasmota/discovery/#</c> (when the client is connected, completes on the broker's SUBACKs;
    /// otherwise the subscriptions are made on connect). Retained configs arrive at once and the registry fills as they do;
    /// <see cref="WaitUntilReadyAsync"/> tells when it has caught up with them.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The Home Assistant registry has already been started.");
        }

        _workerTask = Task.Run(() => ReconcileLoopAsync(_stopping.Token));
        await SubscribeSyncTopicAsync(cancellationToken).ConfigureAwait(false);
        var filter = _options.DiscoveryPrefix + "/#";
        _discovery = await Client.SubscribeAsync(filter, OnDiscoveryMessage, _options.SubscriptionQos, cancellationToken).ConfigureAwait(false);
        Log.DiscoveryStarted(_logger, filter);

        // Before the first readiness marker: the retained Tasmota configs are queued ahead of it, like Home Assistant's.
        await SubscribeTasmotaAsync(cancellationToken).ConfigureAwait(false);
        _readyTask = Task.Run(BecomeReadyAsync);
    }

    /// <summary>Finds an entity by <see cref="HomeAssistantEntity.Id"/> (its unique id) or by its discovery key
    /// <c>component/[node_id/]object_id</c>.</summary>
    public bool TryGetEntity(string id, [NotNullWhen(true)] out HomeAssistantEntity? entity)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            return _byId.TryGetValue(id, out entity) || _byKey.TryGetValue(id, out entity);
        }
    }

    /// <summary>The entity with this id (see <see cref="TryGetEntity"/>).</summary>
    /// <exception cref="KeyNotFoundException">No such entity (yet).</exception>
    public HomeAssistantEntity GetEntity(string id) =>
        TryGetEntity(id, out var entity)
            ? entity
            : throw new KeyNotFoundException($"No Home Assistant entity '{id}' has been discovered on '{_options.DiscoveryPrefix}/#' (by unique_id or component/[node_id/]object_id).");

    /// <summary>The entity to control, by id; the same as <see cref="GetEntity"/>. Use its typed views
    /// (<see cref="HomeAssistantEntity.AsLight"/> …) to send commands.</summary>
    /// <exception cref="KeyNotFoundException">No such entity (yet).</exception>
    public HomeAssistantEntity Control(string entityId) => GetEntity(entityId);

    /// <summary>The device that has <paramref name="identifier"/> among its identifiers, if any.</summary>
    public HomeAssistantDevice? GetDevice(string identifier) =>
        Devices.FirstOrDefault(d => d.Info.Identifiers.Contains(identifier, StringComparer.Ordinal) || d.Id == identifier);

    /// <summary>Waits until an entity with this id (or discovery key) exists.</summary>
    public Task<HomeAssistantEntity> WaitForEntityAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        TaskCompletionSource<HomeAssistantEntity> waiter;
        lock (_gate)
        {
            if (_byId.TryGetValue(id, out var found) || _byKey.TryGetValue(id, out found))
            {
                return Task.FromResult(found);
            }

            waiter = new TaskCompletionSource<HomeAssistantEntity>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_waiters.TryGetValue(id, out var list))
            {
                _waiters[id] = list = [];
            }

            list.Add(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    if (_waiters.TryGetValue(id, out var list))
                    {
                        list.Remove(waiter);
                    }
                }

                waiter.TrySetCanceled(cancellationToken);
            });
            _ = waiter.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return waiter.Task;
    }

    /// <summary>A snapshot of the counters.</summary>
    public RegistryStats GetStats()
    {
        lock (_gate)
        {
            return new RegistryStats
            {
                DiscoveryMessages = Volatile.Read(ref _counters.DiscoveryMessages),
                Ignored = Volatile.Read(ref _counters.Ignored),
                Added = _counters.Added,
                Updated = _counters.Updated,
                Removed = _counters.Removed,
                Rejected = _counters.Rejected,
                RejectedByReason = new Dictionary<RejectionReason, long>(_rejectedByReason),
                StateMessages = Volatile.Read(ref _counters.StateMessages),
                StateChanges = _counters.StateChanges,
                TemplateNoValue = _counters.TemplateNoValue,
                TemplateErrors = _counters.TemplateErrors,
                UnsupportedTemplates = _counters.UnsupportedTemplates,
                InvalidStatePayloads = _counters.InvalidStatePayloads,
                HandlerErrors = Volatile.Read(ref _counters.HandlerErrors),
                TriggersFired = _counters.TriggersFired,
                TagsScanned = _counters.TagsScanned,
                EventsReceived = _counters.EventsReceived,
                Entities = _byKey.Count,
                Devices = HomeAssistantDevice.Group(_byKey.Values).Count,
            };
        }
    }

    /// <summary>Unsubscribes everything, delivers the events already raised, and cancels pending waits.
    /// The client is not disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The client outlives the registry; its event must not keep the registry alive or reach it once disposed.
        Client.StateChanged -= OnClientStateChanged;

        if (_discovery is not null)
        {
            await _discovery.DisposeAsync().ConfigureAwait(false);
        }

        if (_tasmotaDiscovery is not null)
        {
            await _tasmotaDiscovery.DisposeAsync().ConfigureAwait(false);
        }

        _reconcile.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_workerTask is not null)
        {
            await _workerTask.ConfigureAwait(false);
        }

        if (_readyTask is not null)
        {
            await _readyTask.ConfigureAwait(false);
        }

        if (_ready.TrySetException(new ObjectDisposedException(nameof(HomeAssistantRegistry))))
        {
            _ = _ready.Task.Exception; // observed: nobody has to wait for readiness
        }
        if (_sync is not null)
        {
            await _sync.DisposeAsync().ConfigureAwait(false);
        }

        List<Subscription> subscriptions;
        List<TaskCompletionSource<HomeAssistantEntity>> waiters;
        lock (_gate)
        {
            subscriptions = [.. _router.All().Select(s => s.Subscription).OfType<Subscription>()];
            waiters = [.. _waiters.Values.SelectMany(w => w)];
            _waiters.Clear();
        }

        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }

        // Only now: until the subscriptions were gone, a state message could have started a delay again.
        lock (_gate)
        {
            foreach (var entity in _byKey.Values)
            {
                entity.DisposeTimers();
            }
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(HomeAssistantRegistry)));
        }

        _events.Writer.TryComplete();
        await _eventsTask.ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"HomeAssistantRegistry {_options.DiscoveryPrefix}/# ({Entities.Count} entities)";

    /// <summary>Counters; those written under <see cref="_gate"/> are plain fields, the others use <see cref="Interlocked"/>.</summary>
    private sealed class Counters
    {
        public long DiscoveryMessages;
        public long Ignored;
        public long Added;
        public long Updated;
        public long Removed;
        public long Rejected;
        public long StateMessages;
        public long StateChanges;
        public long TemplateNoValue;
        public long TemplateErrors;
        public long UnsupportedTemplates;
        public long InvalidStatePayloads;
        public long HandlerErrors;
        public long TriggersFired;
        public long TagsScanned;
        public long EventsReceived;
    }
}
