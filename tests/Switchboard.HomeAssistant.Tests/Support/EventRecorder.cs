using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.Support;

/// <summary>Records an offline registry's events as text. Events arrive on the registry's event task, in order, so
/// <see cref="FlushAsync"/> discovers a marker entity and waits for its event: everything raised before has arrived.
/// The markers' own events are left out.</summary>
internal sealed class EventRecorder
{
    private const string MarkerPrefix = "sensor/marker_";
    private readonly OfflineRegistry _ha;
    private readonly List<string> _seen = [];
    private TaskCompletionSource? _marker;
    private int _markers;
    private int _taken;

    public EventRecorder(OfflineRegistry ha)
    {
        _ha = ha;
        ha.Registry.AvailabilityChanged += (_, e) => Add(e.Entity, $"{e.Entity.Id}:{(e.IsAvailable ? "up" : "down")} ({e.Topic})");
        ha.Registry.StateChanged += (_, e) => Add(e.Entity, $"{e.Entity.Id}:{e.Previous.Value ?? "?"}->{e.Current.Value} ({e.Topic})");
        ha.Registry.Removed += (_, e) => Add(e.Entity, $"{e.Entity.Id}:removed");
        ha.Registry.TriggerFired += (_, e) => Add(e.Trigger, $"{e.Trigger.Id}:trigger {e.Type}/{e.Subtype} '{e.Payload}'");
        ha.Registry.TagScanned += (_, e) => Add(e.Scanner, $"{e.Scanner.Id}:tag {e.TagId}");
        ha.Registry.EventReceived += (_, e) => Add(e.Entity, $"{e.Entity.Id}:event {e.EventType} {{{string.Join(", ", e.Attributes.Select(a => $"{a.Key}={a.Value.GetRawText()}"))}}}");
        ha.Registry.Discovered += (_, e) =>
        {
            if (IsMarker(e.Entity))
            {
                _marker?.TrySetResult();
            }
        };
    }

    public async Task<IReadOnlyList<string>> FlushAsync()
    {
        _marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ha.Discover($"homeassistant/sensor/marker_{++_markers}/config", """{"stat_t":"marker"}""");
        await _marker.Task.WithTimeout("the registry's events up to the marker");
        lock (_seen)
        {
            return [.. _seen];
        }
    }

    /// <summary>Like <see cref="FlushAsync"/>, but only the events since the previous call of this method.</summary>
    public async Task<IReadOnlyList<string>> FlushNewAsync()
    {
        var all = await FlushAsync();
        var fresh = all.Skip(_taken).ToList();
        _taken = all.Count;
        return fresh;
    }

    private static bool IsMarker(HomeAssistantEntity entity) => entity.Id.StartsWith(MarkerPrefix, StringComparison.Ordinal);

    private void Add(HomeAssistantEntity entity, string text)
    {
        if (IsMarker(entity))
        {
            return;
        }

        lock (_seen)
        {
            _seen.Add(text);
        }
    }
}
