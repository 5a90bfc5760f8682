using Switchboard.HomeAssistant;

namespace Switchboard.Dashboard.Home;

/// <summary>
/// Follows a <see cref="HomeAssistantRegistry"/> and remembers which entities changed when (a version per change), so
/// each page is sent only what changed since it last looked. The rows are built from the live entities when asked.
/// </summary>
internal sealed class HomeMonitor : IDisposable
{
    private readonly HomeAssistantRegistry _registry;
    private readonly Action _changed;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Version, HomeAssistantEntity Entity)> _entities = new(StringComparer.Ordinal);
    private long _version;

    /// <param name="registry">The registry to follow.</param>
    /// <param name="changed">Called after every change (outside the lock), to wake the pages.</param>
    public HomeMonitor(HomeAssistantRegistry registry, Action changed)
    {
        _registry = registry;
        _changed = changed;
        registry.Discovered += OnDiscovered;
        registry.Removed += OnRemoved;
        registry.StateChanged += OnStateChanged;
        registry.AvailabilityChanged += OnAvailabilityChanged;

        // What the registry found before the dashboard started.
        foreach (var entity in registry.Entities)
        {
            Touch(entity, notify: false);
        }
    }

    public long Version => Volatile.Read(ref _version);

    private void OnDiscovered(object? sender, EntityDiscoveredEventArgs e) => Touch(e.Entity);

    private void OnRemoved(object? sender, EntityRemovedEventArgs e) => Touch(e.Entity);

    private void OnStateChanged(object? sender, EntityStateChangedEventArgs e) => Touch(e.Entity);

    private void OnAvailabilityChanged(object? sender, EntityAvailabilityChangedEventArgs e) => Touch(e.Entity);

    private void Touch(HomeAssistantEntity entity, bool notify = true)
    {
        lock (_gate)
        {
            _entities[entity.Id] = (++_version, entity);
        }

        if (notify)
        {
            _changed();
        }
    }

    /// <summary>The rows of entities changed after <paramref name="sinceVersion"/> (every one for 0), and the version
    /// they bring the page to.</summary>
    public (IReadOnlyList<EntityRow> Rows, long Version) Since(long sinceVersion)
    {
        List<HomeAssistantEntity> changed = [];
        long version;
        lock (_gate)
        {
            version = _version;
            foreach (var (v, entity) in _entities.Values)
            {
                if (v > sinceVersion && (sinceVersion > 0 || !entity.IsRemoved))
                {
                    changed.Add(entity);
                }
            }
        }

        return ([.. changed.Select(Row)], version);
    }

    /// <summary>The entity the page names, if the registry still has it.</summary>
    public HomeAssistantEntity? Find(string id) => _registry.TryGetEntity(id, out var entity) && !entity.IsRemoved ? entity : null;

    private static EntityRow Row(HomeAssistantEntity entity)
    {
        var device = entity.Device;
        var deviceId = device?.Identifiers.FirstOrDefault() ?? device?.Connections.Select(c => $"{c.Key}:{c.Value}").FirstOrDefault() ?? "entity:" + entity.Id;
        var s = entity.State;
        var state = new EntityStateRow(s.Value, s.IsOn, s.Brightness, s.ColorTempKelvin, s.Position, s.HvacMode, s.HvacAction, s.TargetTemperature,
            s.CurrentTemperature, s.Percentage, s.PresetMode, s.Option, s.NumericValue, s.Unit ?? entity.UnitOfMeasurement);

        // The entity's own name, without its device's name in front, as Home Assistant shows it on a device card.
        var name = entity.Name ?? device?.Name ?? entity.ObjectId;
        return new EntityRow(entity.Id, entity.Component, name, deviceId, device?.Name ?? entity.DisplayName, device?.SuggestedArea ?? "Other",
            device?.Manufacturer, device?.Model, entity.IsAvailable, entity.IsRemoved, s.LastChanged, state,
            entity.IsRemoved ? ControlSpec.None : ControlCatalog.For(entity));
    }

    public void Dispose()
    {
        _registry.Discovered -= OnDiscovered;
        _registry.Removed -= OnRemoved;
        _registry.StateChanged -= OnStateChanged;
        _registry.AvailabilityChanged -= OnAvailabilityChanged;
    }
}
