using System.Text.Json;
using Switchboard.HomeAssistant.Discovery;
using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant;

/// <summary>
/// A discovered Home Assistant entity, live: <see cref="State"/> and <see cref="IsAvailable"/> follow the broker, and a
/// rediscovery replaces the config in place (same object). Control it through the typed views
/// (<see cref="AsLight"/>, <see cref="AsSwitch"/> …), which publish exactly what Home Assistant would.
/// </summary>
public sealed class HomeAssistantEntity
{
    private EntityDefinition _definition;
    private EntityState _state = EntityState.Unknown;
    private volatile bool _available;
    private volatile bool _removed;

    internal HomeAssistantEntity(HomeAssistantRegistry registry, EntityDefinition definition, bool connected)
    {
        Registry = registry;
        _definition = definition;
        if (LightStateReducer.FixedColorMode(definition) is { } colorMode)
        {
            _state = _state with { ColorMode = colorMode };
        }

        Availability = new AvailabilityTracker(definition.Availability);
        IsExpired = definition.ExpireAfter is not null;
        _available = connected && Availability.IsAvailable && !IsExpired;
    }

    /// <summary>The registry's id for the entity: its <c>unique_id</c>, or <c>component/[node_id/]object_id</c> without one.</summary>
    public string Id => Definition.Id;

    /// <summary><c>unique_id</c>, when the config has one.</summary>
    public string? UniqueId => Definition.UniqueId;

    /// <summary>The component (<c>light</c>, <c>sensor</c> …; see <see cref="HomeAssistantComponents"/>).</summary>
    public string Component => Definition.Component;

    /// <summary>The object id: from the discovery topic, or the component id inside a device-based payload.</summary>
    public string ObjectId => Definition.ObjectId;

    /// <summary>The node id from the discovery topic (for device-based discovery: the device's object id).</summary>
    public string? NodeId => Definition.NodeId;

    /// <summary>The topic the config came from.</summary>
    public string DiscoveryTopic => Definition.DiscoveryTopic;

    /// <summary>The <c>name</c> of the config; null when absent or null (Home Assistant then shows the device name).</summary>
    public string? Name => Definition.Name;

    /// <summary>A name to show: <see cref="Name"/>, else the device name, else <see cref="ObjectId"/>.</summary>
    public string DisplayName => Name ?? Device?.Name ?? ObjectId;

    /// <summary>The <c>device</c> mapping of the config.</summary>
    public DeviceInfo? Device => Definition.Device;

    /// <summary>The <c>origin</c> mapping of the config.</summary>
    public OriginInfo? Origin => Definition.Origin;

    /// <summary><c>device_class</c>.</summary>
    public string? DeviceClass => Definition.Config.GetString("device_class");

    /// <summary><c>unit_of_measurement</c>.</summary>
    public string? UnitOfMeasurement => Definition.Config.GetString("unit_of_measurement");

    /// <summary>For a light: <c>basic</c>, <c>json</c> or <c>template</c>; otherwise null.</summary>
    public string? Schema => Definition.Schema;

    /// <summary>The config with abbreviations expanded and <c>~</c> resolved (device-based: merged with the shared options).</summary>
    public JsonElement Config => Definition.Root;

    /// <summary>The options of the current config the registry understands, typed, with Home Assistant's defaults
    /// (topics, availability, number range, climate limits and modes, select options, effects, event types …).</summary>
    public EntityOptions Options => new(Definition);

    /// <summary>The current state.</summary>
    public EntityState State => Volatile.Read(ref _state);

    /// <summary>True when the registry's client is connected, the entity's availability topics (if any) say it is
    /// available and, with <c>expire_after</c>, a state message arrived within that many seconds (none yet counts as
    /// expired, as in Home Assistant). Like Home Assistant, every entity is unavailable while the connection is down:
    /// nothing it says can reach us then; reconnecting restores what its topics and <c>expire_after</c> say.</summary>
    public bool IsAvailable => _available;

    /// <summary>True when the config has <c>availability_topic</c> or <c>availability</c>.</summary>
    public bool HasAvailability => Definition.Availability is not null;

    /// <summary>How its availability topics combine, when it has any.</summary>
    public AvailabilityMode? AvailabilityMode => Definition.Availability?.Mode;

    /// <summary>True once the entity has been removed from the registry.</summary>
    public bool IsRemoved => _removed;

    /// <summary>Template options of the current config that are outside the supported Jinja subset (empty when all
    /// render). Each was also reported as a <see cref="RejectionReason.UnsupportedTemplate"/> rejection.</summary>
    public IReadOnlyList<RejectedTemplate> RejectedTemplates => Definition.RejectedTemplates;

    internal HomeAssistantRegistry Registry { get; }

    /// <summary>The debug record (<see cref="GetDebugInfo"/>).</summary>
    internal DebugLog Debug { get; } = new();

    internal EntityDefinition Definition => Volatile.Read(ref _definition);

    /// <summary>Availability bookkeeping; only touched under the registry's lock.</summary>
    internal AvailabilityTracker Availability { get; set; }

    /// <summary>True while <c>expire_after</c> has passed since the last state message (or none came yet); only touched
    /// under the registry's lock.</summary>
    internal bool IsExpired { get; set; }

    /// <summary>The <c>expire_after</c> delay, once there has been one to run; only touched under the registry's lock.</summary>
    internal EntityTimer? ExpiryTimer { get; set; }

    /// <summary>The <c>off_delay</c> delay, once there has been one to run; only touched under the registry's lock.</summary>
    internal EntityTimer? OffDelayTimer { get; set; }

    /// <summary>Controls it as a light (default, json or template schema).</summary>
    /// <exception cref="InvalidOperationException">It is not a light.</exception>
    public LightControl AsLight() => new(this);

    /// <summary>Controls it as a switch.</summary>
    /// <exception cref="InvalidOperationException">It is not a switch.</exception>
    public SwitchControl AsSwitch() => new(this);

    /// <summary>Controls it as a cover.</summary>
    /// <exception cref="InvalidOperationException">It is not a cover.</exception>
    public CoverControl AsCover() => new(this);

    /// <summary>Controls it as a climate device.</summary>
    /// <exception cref="InvalidOperationException">It is not a climate entity.</exception>
    public ClimateControl AsClimate() => new(this);

    /// <summary>Controls it as a fan.</summary>
    /// <exception cref="InvalidOperationException">It is not a fan.</exception>
    public FanControl AsFan() => new(this);

    /// <summary>Controls it as a lock.</summary>
    /// <exception cref="InvalidOperationException">It is not a lock.</exception>
    public LockControl AsLock() => new(this);

    /// <summary>Controls it as a number.</summary>
    /// <exception cref="InvalidOperationException">It is not a number.</exception>
    public NumberControl AsNumber() => new(this);

    /// <summary>Controls it as a select.</summary>
    /// <exception cref="InvalidOperationException">It is not a select.</exception>
    public SelectControl AsSelect() => new(this);

    /// <summary>Controls it as a button.</summary>
    /// <exception cref="InvalidOperationException">It is not a button.</exception>
    public ButtonControl AsButton() => new(this);

    /// <summary>Controls it as an alarm control panel.</summary>
    /// <exception cref="InvalidOperationException">It is not an alarm_control_panel.</exception>
    public AlarmControlPanelControl AsAlarmControlPanel() => new(this);

    /// <summary>Controls it as a valve.</summary>
    /// <exception cref="InvalidOperationException">It is not a valve.</exception>
    public ValveControl AsValve() => new(this);

    /// <summary>Controls it as a humidifier.</summary>
    /// <exception cref="InvalidOperationException">It is not a humidifier.</exception>
    public HumidifierControl AsHumidifier() => new(this);

    /// <summary>Controls it as a water heater.</summary>
    /// <exception cref="InvalidOperationException">It is not a water_heater.</exception>
    public WaterHeaterControl AsWaterHeater() => new(this);

    /// <summary>Controls it as a text.</summary>
    /// <exception cref="InvalidOperationException">It is not a text.</exception>
    public TextControl AsText() => new(this);

    /// <summary>Controls it as a siren.</summary>
    /// <exception cref="InvalidOperationException">It is not a siren.</exception>
    public SirenControl AsSiren() => new(this);

    /// <summary>Controls it as an update.</summary>
    /// <exception cref="InvalidOperationException">It is not an update.</exception>
    public UpdateControl AsUpdate() => new(this);

    /// <summary>Controls it as a scene.</summary>
    /// <exception cref="InvalidOperationException">It is not a scene.</exception>
    public SceneControl AsScene() => new(this);

    /// <summary>Controls it as a vacuum.</summary>
    /// <exception cref="InvalidOperationException">It is not a vacuum.</exception>
    public VacuumControl AsVacuum() => new(this);

    /// <summary>Controls it as a lawn mower.</summary>
    /// <exception cref="InvalidOperationException">It is not a lawn_mower.</exception>
    public LawnMowerControl AsLawnMower() => new(this);

    /// <summary>Controls it as a notify entity.</summary>
    /// <exception cref="InvalidOperationException">It is not a notify entity.</exception>
    public NotifyControl AsNotify() => new(this);

    /// <summary>Controls it as a date.</summary>
    /// <exception cref="InvalidOperationException">It is not a date.</exception>
    public DateControl AsDate() => new(this);

    /// <summary>Controls it as a time.</summary>
    /// <exception cref="InvalidOperationException">It is not a time.</exception>
    public TimeControl AsTime() => new(this);

    /// <summary>Controls it as a datetime.</summary>
    /// <exception cref="InvalidOperationException">It is not a datetime.</exception>
    public DateTimeControl AsDateTime() => new(this);

    /// <summary>Debug information as Home Assistant keeps it: the discovery payload of the current config, and the last
    /// <see cref="EntityDebugInfo.MessagesPerTopic"/> messages per subscribed topic filter and per topic published to by
    /// this entity's controls. A snapshot.</summary>
    public EntityDebugInfo GetDebugInfo()
    {
        var definition = Definition;
        return Debug.Snapshot(definition.DiscoveryTopic, definition.Bindings.Select(b => b.Topic));
    }

    /// <summary>Waits until the state satisfies <paramref name="predicate"/> (checked now and on every change).</summary>
    public async Task<EntityState> WaitForStateAsync(Func<EntityState, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var done = new TaskCompletionSource<EntityState>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, EntityStateChangedEventArgs e)
        {
            if (ReferenceEquals(e.Entity, this) && predicate(e.Current))
            {
                done.TrySetResult(e.Current);
            }
        }

        Registry.StateChanged += OnChanged;
        try
        {
            var now = State;
            if (predicate(now))
            {
                return now;
            }

            using var registration = cancellationToken.Register(static s => ((TaskCompletionSource<EntityState>)s!).TrySetCanceled(), done);
            return await done.Task.ConfigureAwait(false);
        }
        finally
        {
            Registry.StateChanged -= OnChanged;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Component} {Id} ({DisplayName}): {State.Value ?? "unknown"}{(IsAvailable ? string.Empty : ", unavailable")}";

    internal void SetDefinition(EntityDefinition definition) => Volatile.Write(ref _definition, definition);

    internal void SetState(EntityState state) => Volatile.Write(ref _state, state);

    /// <summary>Sets <see cref="IsAvailable"/> from the registry's connection, the availability topics and
    /// <see cref="IsExpired"/>; true when it changed.</summary>
    internal bool UpdateAvailable(bool connected)
    {
        var available = connected && Availability.IsAvailable && !IsExpired;
        var changed = available != _available;
        _available = available;
        return changed;
    }

    /// <summary>Stops the entity's delays for good, so nothing fires for it once it is gone.</summary>
    internal void DisposeTimers()
    {
        ExpiryTimer?.Dispose();
        OffDelayTimer?.Dispose();
    }

    internal void MarkRemoved() => _removed = true;
}
