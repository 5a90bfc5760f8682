using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.HomeAssistant.State;

/// <summary>
/// The availability of one entity, from what each availability topic last said. Every topic starts as "not told",
/// which counts as unavailable, so an entity with availability configured is unavailable until told otherwise.
/// Not thread-safe; the registry calls it under its lock.
/// </summary>
internal sealed class AvailabilityTracker
{
    private readonly AvailabilityConfig? _config;
    private readonly bool?[] _sources;
    private bool _latest;

    public AvailabilityTracker(AvailabilityConfig? config)
    {
        _config = config;
        _sources = new bool?[config?.Sources.Count ?? 0];
    }

    /// <summary>True when the entity has availability topics at all.</summary>
    public bool IsConfigured => _config is not null;

    public bool IsAvailable => _config is null || _config.Mode switch
    {
        AvailabilityMode.All => _sources.All(s => s == true),
        AvailabilityMode.Any => _sources.Any(s => s == true),
        _ => _latest,
    };

    /// <summary>Applies a rendered availability value from source <paramref name="index"/>; false when it matched
    /// neither payload (and so changed nothing).</summary>
    public bool Apply(int index, string value)
    {
        var source = _config!.Sources[index];
        bool available;
        if (value == source.PayloadAvailable)
        {
            available = true;
        }
        else if (value == source.PayloadNotAvailable)
        {
            available = false;
        }
        else
        {
            return false;
        }

        _sources[index] = available;
        _latest = available;
        return true;
    }

    /// <summary>Carries what the sources said over to a tracker for an updated config with the same sources.</summary>
    public AvailabilityTracker CarryOver(AvailabilityConfig? config)
    {
        var next = new AvailabilityTracker(config);
        if (config is not null && _config is not null && config.Sources.SequenceEqual(_config.Sources, SourceComparer.Instance) && config.Mode == _config.Mode)
        {
            Array.Copy(_sources, next._sources, _sources.Length);
            next._latest = _latest;
        }

        return next;
    }

    private sealed class SourceComparer : IEqualityComparer<AvailabilitySource>
    {
        public static SourceComparer Instance { get; } = new();

        public bool Equals(AvailabilitySource? x, AvailabilitySource? y) =>
            x is not null && y is not null && x.Topic == y.Topic && x.PayloadAvailable == y.PayloadAvailable
            && x.PayloadNotAvailable == y.PayloadNotAvailable && x.Template?.Source == y.Template?.Source;

        public int GetHashCode(AvailabilitySource obj) => obj.Topic.GetHashCode(StringComparison.Ordinal);
    }
}
