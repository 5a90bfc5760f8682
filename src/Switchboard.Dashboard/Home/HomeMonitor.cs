using Switchboard.HomeAssistant;

namespace Switchboard.Dashboard.Home;

/// <summary>
/// Follows a <see cref="HomeAssistantRegistry"/> and remembers which entities changed when (a version per change), so
/// each page is sent only what changed since it last looked. The rows are built from the live entities when asked.
/// Only live entities are kept: a removed one (or the old id of one whose <c>unique_id</c> changed) leaves a small
/// tombstone, and only the last <see cref="DefaultRemovalMemory"/> of those; a page further behind is sent everything
/// again.
/// </summary>
internal sealed class HomeMonitor : IDisposable
{
    /// <summary>Removals remembered for pages that catch up.</summary>
    public const int DefaultRemovalMemory = 4_096;

    private static readonly EntityStateRow NoState = new(null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    private readonly HomeAssistantRegistry _registry;
    private readonly Action _changed;
    private readonly int _removalMemory;
    private readonly Lock _gate = new();

    /// <summary>Live entities by the id the pages know them by.</summary>
    private readonly Dictionary<string, (long Version, HomeAssistantEntity Entity)> _entities = new(StringComparer.Ordinal);

    /// <summary>The id each live entity was last shown under: an update that changes its <c>unique_id</c> changes its id.</summary>
    private readonly Dictionary<HomeAssistantEntity, string> _shownAs = new(ReferenceEqualityComparer.Instance);
    private readonly Queue<(long Version, string Id)> _removals = new();
    private long _oldestForgottenRemoval;
    private long _version;

    /// <param name="registry">The registry to follow.</param>
    /// <param name="changed">Called after every change (outside the lock), to wake the pages.</param>
    /// <param name="removalMemory">Removals remembered for pages that catch up.</param>
    public HomeMonitor(HomeAssistantRegistry registry, Action changed, int removalMemory = DefaultRemovalMemory)
    {
        _registry = registry;
        _changed = changed;
        _removalMemory = removalMemory;
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
            var version = ++_version;
            var id = entity.Id;
            if (_shownAs.TryGetValue(entity, out var shownAs) && shownAs != id)
            {
                // A new unique_id: the pages know this entity by an id that no longer exists.
                Forget(shownAs, entity, version);
            }

            if (entity.IsRemoved)
            {
                Forget(id, entity, version);
                _shownAs.Remove(entity);
            }
            else
            {
                _entities[id] = (version, entity);
                _shownAs[entity] = id;
            }
        }

        if (notify)
        {
            _changed();
        }
    }

    private void Forget(string id, HomeAssistantEntity entity, long version)
    {
        if (!_entities.TryGetValue(id, out var known) || !ReferenceEquals(known.Entity, entity))
        {
            return;
        }

        _entities.Remove(id);
        _removals.Enqueue((version, id));
        if (_removals.Count > _removalMemory)
        {
            _oldestForgottenRemoval = _removals.Dequeue().Version;
        }
    }

    /// <summary>The rows of entities changed after <paramref name="sinceVersion"/> (removals first), and the version
    /// they bring the page to. <c>Full</c> when the page asked from 0 or is too far behind to be told about every
    /// removal: then the rows are every live entity, and the page must drop what it had.</summary>
    public (IReadOnlyList<EntityRow> Rows, long Version, bool Full) Since(long sinceVersion)
    {
        List<string> removed = [];
        List<HomeAssistantEntity> changed = [];
        long version;
        bool full;
        lock (_gate)
        {
            version = _version;
            full = sinceVersion == 0 || sinceVersion < _oldestForgottenRemoval;
            if (!full)
            {
                foreach (var (v, id) in _removals)
                {
                    if (v > sinceVersion)
                    {
                        removed.Add(id);
                    }
                }
            }

            foreach (var (v, entity) in _entities.Values)
            {
                if (full || v > sinceVersion)
                {
                    changed.Add(entity);
                }
            }
        }

        return ([.. removed.Select(RemovedRow), .. changed.Select(Row)], version, full);
    }

    /// <summary>The entity the page names, if the registry still has it.</summary>
    public HomeAssistantEntity? Find(string id) => _registry.TryGetEntity(id, out var entity) && !entity.IsRemoved ? entity : null;

    private static EntityRow RemovedRow(string id) =>
        new(id, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, null, null, Available: false, Removed: true, null, NoState, ControlSpec.None);
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
