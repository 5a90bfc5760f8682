using System.Globalization;
using System.Text;
using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant;

// Readiness and idleness, by a round trip through the broker. A broker queues what it sends one client in one outgoing
// queue, in order: the retained messages of a subscription are queued when it handles the SUBSCRIBE (before its SUBACK),
// and a message it receives is queued for its subscribers before it acknowledges the publish. The client dispatches in
// that order on one loop, and the registry applies each message on that loop. So when a marker this registry publishes
// to its own private topic comes back, everything the broker had queued for it before the marker has been applied:
// the retained configs, and every message whose publish the broker had acknowledged before the marker was sent.
// One round is not enough for entities discovered in the meantime: their topics are subscribed by the worker, so
// Sync then waits for the worker to have made every subscription asked for so far (each completes on its SUBACK) and
// sends a second marker, behind the retained messages of those subscriptions. Last, it waits for the event task to have
// raised everything decided so far. A reconnect can lose a marker (and makes the broker send the retained messages
// again): a round that sees the client reconnect sends a new marker.
public sealed partial class HomeAssistantRegistry
{
    private readonly Dictionary<long, TaskCompletionSource> _markers = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _reconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _syncTopic;
    private Subscription? _sync;
    private long _markerSequence;

    /// <summary>True once <see cref="WaitUntilReadyAsync"/> would complete at once.</summary>
    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>
    /// Completes when the registry has caught up with the broker as it was when <see cref="StartAsync"/> subscribed: every
    /// discovery message the broker held for <c>&lt;prefix&gt;/#</c> then (the retained configs) has been applied; the
    /// state, attribute, event and availability topics of every entity discovered by then are subscribed (the broker
    /// acknowledged each), so a message published to them from now on reaches the entity; the retained messages of those
    /// topics have been applied; and every registry event these caused has been raised (its handlers returned). Waits for
    /// <see cref="StartAsync"/> and for the client to connect. Reconnects in between are survived.
    /// </summary>
    /// <remarks>The registry gets there by publishing markers to a topic of its own (<see cref="HomeAssistantOptions.SyncTopicPrefix"/>)
    /// and waiting for them to come back; a broker that silently drops them (an MQTT 3.1.1 ACL refusal) keeps this waiting,
    /// so pass a token with a deadline. Do not await it inside a registry event handler: it waits for the event task that
    /// runs the handler.</remarks>
    /// <exception cref="ObjectDisposedException">The registry was disposed first.</exception>
    /// <exception cref="SwitchboardException">The broker refused the marker (MQTT 5 PUBACK) or the client was shut down.</exception>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken = default) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Completes when every message the broker queued for this registry before the call has been applied, with what it led
    /// to: a message published (QoS ≥ 1) to any topic the registry follows and acknowledged by the broker before this call
    /// is reflected in <see cref="HomeAssistantEntity.State"/>, availability and the registry's entities when it returns,
    /// its events have been raised (handlers returned), and entities it discovered have their topics subscribed and their
    /// retained messages applied. Use it after publishing something to wait for its effect without polling. Same mechanism
    /// and caveats as <see cref="WaitUntilReadyAsync"/>; it also waits for that.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The registry was disposed first.</exception>
    public async Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await SyncAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Subscribes the private marker topic; called by <see cref="StartAsync"/> before the discovery subscription.</summary>
    private async Task SubscribeSyncTopicAsync(CancellationToken cancellationToken)
    {
        var clientId = Client.Options.ClientId;
        var node = clientId is { Length: > 0 } && clientId.IndexOfAny(['+', '#', '/']) < 0 ? clientId + "/" : string.Empty;
        _syncTopic = $"{_options.SyncTopicPrefix}/{node}{Guid.NewGuid():N}";
        _sync = await Client.SubscribeAsync(_syncTopic, OnMarker, Qos.AtLeastOnce, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first sync, on its own task: sets <see cref="WaitUntilReadyAsync"/>'s outcome.</summary>
    private async Task BecomeReadyAsync()
    {
        try
        {
            await SyncAsync(CancellationToken.None).ConfigureAwait(false);
            _ready.TrySetResult();
            Log.RegistryReady(_logger, _options.DiscoveryPrefix, Entities.Count);
        }
        catch (Exception ex)
        {
            _ready.TrySetException(Volatile.Read(ref _disposed) != 0 ? new ObjectDisposedException(nameof(HomeAssistantRegistry), ex) : ex);
            _ = _ready.Task.Exception; // observed: nobody has to wait for readiness
            Log.RegistryNotReady(_logger, _options.DiscoveryPrefix, ex);
        }
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var ct = linked.Token;
        try
        {
            await RoundTripAsync(ct).ConfigureAwait(false);
            var subscribed = new Barrier();
            _reconcile.Writer.TryWrite(subscribed);
            await subscribed.Done.Task.WaitAsync(ct).ConfigureAwait(false);
            await RoundTripAsync(ct).ConfigureAwait(false);
            var raised = new EventBarrier();
            if (!_events.Writer.TryWrite(raised))
            {
                throw new ObjectDisposedException(nameof(HomeAssistantRegistry));
            }

            await raised.Done.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (_stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(HomeAssistantRegistry), ex);
        }
    }

    /// <summary>Publishes a marker and waits for it to come back; again after each reconnect, until one does.</summary>
    private async Task RoundTripAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var id = Interlocked.Increment(ref _markerSequence);
            var back = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task reconnected;
            lock (_gate)
            {
                _markers[id] = back;
                reconnected = _reconnected.Task;
            }

            try
            {
                await Client.PublishAsync(_syncTopic!, id.ToString(CultureInfo.InvariantCulture), Qos.AtLeastOnce, retain: false, cancellationToken).ConfigureAwait(false);
                var first = await Task.WhenAny(back.Task, reconnected).WaitAsync(cancellationToken).ConfigureAwait(false);
                if (first == back.Task)
                {
                    return;
                }
            }
            finally
            {
                lock (_gate)
                {
                    _markers.Remove(id);
                }
            }
        }
    }

    /// <summary>A marker came back (on the client's dispatch loop, after everything queued before it).</summary>
    private ValueTask OnMarker(MqttMessage message, CancellationToken cancellationToken)
    {
        if (long.TryParse(Encoding.UTF8.GetString(message.Payload.Span), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            TaskCompletionSource? back;
            lock (_gate)
            {
                _markers.TryGetValue(id, out back);
            }

            back?.TrySetResult();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Under the lock, when the client (re)connects: rounds waiting for a marker send another.</summary>
    private void SignalReconnected()
    {
        _reconnected.TrySetResult();
        _reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>An item of the subscription worker's queue: a filter to reconcile, or a <see cref="Barrier"/>.</summary>
    private abstract class ReconcileItem;

    private sealed class FilterItem(string filter) : ReconcileItem
    {
        public string Filter { get; } = filter;
    }

    /// <summary>Completed by the worker when it reaches it: everything queued before has been reconciled.</summary>
    private sealed class Barrier : ReconcileItem
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Completed by the event task when it reaches it: everything queued before has been raised.</summary>
    private sealed class EventBarrier : EventArgs
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
