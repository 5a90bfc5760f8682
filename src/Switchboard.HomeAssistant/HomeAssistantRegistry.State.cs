using System.Text;
using Switchboard.HomeAssistant.Discovery;
using Switchboard.HomeAssistant.State;
using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant;

public sealed partial class HomeAssistantRegistry
{
    /// <summary>Test hook: handles <paramref name="message"/> as if the broker had delivered it on every entity
    /// filter it matches, without a broker.</summary>
    internal void InjectStateMessage(MqttMessage message)
    {
        List<string> filters;
        lock (_gate)
        {
            // The exact filter first (cheap, and what nearly every state topic is), then any wildcard ones.
            filters = [.. _router.All().Select(s => s.Filter).Where(f => f == message.Topic || (f.AsSpan().IndexOfAny('+', '#') >= 0 && TopicRules.Matches(f, message.Topic)))];
        }

        foreach (var filter in filters)
        {
            OnTopicMessage(filter, message);
        }
    }

    /// <summary>Test hook: handles <paramref name="message"/> as a discovery message, without a broker.</summary>
    internal void InjectDiscoveryMessage(MqttMessage message) => OnDiscoveryMessage(message, CancellationToken.None);

    internal void RequestReconcile(List<string> filters)
    {
        foreach (var filter in filters)
        {
            _reconcile.Writer.TryWrite(new FilterItem(filter));
        }
    }

    /// <summary>Adds a listener under the lock; a cached message on its topic is applied at once.</summary>
    private void Bind(TopicListener listener, Deferred deferred)
    {
        if (_router.Add(listener, out var cached))
        {
            deferred.Reconcile(listener.Binding.Topic);
        }

        // A remembered message is no news: it is replayed as state, never raised again as an event.
        if (cached is { } message && !StateTopics.IsEventTopic(listener.Entity.Component, listener.Binding.Key))
        {
            Process(listener, message.Topic, Encoding.UTF8.GetString(message.Payload.Span), message.Payload, retained: true, deferred);
        }
    }

    private void Unbind(TopicListener listener)
    {
        if (_router.Remove(listener))
        {
            _reconcile.Writer.TryWrite(new FilterItem(listener.Binding.Topic));
        }
    }

    /// <summary>A message on an entity topic filter: cached, then applied to every entity listening. Never throws.</summary>
    private void OnTopicMessage(string filter, MqttMessage message)
    {
        Interlocked.Increment(ref _counters.StateMessages);
        var deferred = new Deferred(this);
        try
        {
            var payload = message.PayloadAsString();
            lock (_gate)
            {
                if (_router.Get(filter) is not { } slot)
                {
                    return;
                }

                slot.Remember(message.Topic, message.Payload);
                var logged = new DebugMessage(message.Topic, payload, message.Qos, message.Retain, deferred.Now);
                // A snapshot: processing may bind or unbind listeners. An entity listening twice on one filter (state
                // and attributes on the same topic, as Zigbee2MQTT configures it) logs the message once.
                var listeners = slot.Listeners.ToArray();
                for (var i = 0; i < listeners.Length; i++)
                {
                    var entity = listeners[i].Entity;
                    if (Array.FindIndex(listeners, 0, i, l => ReferenceEquals(l.Entity, entity)) < 0)
                    {
                        entity.Debug.Received(filter, logged);
                    }
                }

                foreach (var listener in listeners)
                {
                    Process(listener, message.Topic, payload, message.Payload, message.Retain, deferred);
                }
            }
        }
        catch (Exception ex)
        {
            Log.StateHandlingFailed(_logger, message.Topic, ex);
        }
        finally
        {
            deferred.Run();
        }
    }

    private void Process(TopicListener listener, string topic, string payload, ReadOnlyMemory<byte> rawPayload, bool retained, Deferred deferred)
    {
        var entity = listener.Entity;
        var definition = entity.Definition;
        var binding = listener.Binding;
        var diagnostics = new StateDiagnostics(this, deferred);
        if (binding.IsAvailability)
        {
            var source = definition.Availability!.Sources[binding.AvailabilityIndex];
            var value = payload;
            if (source.Template is { Template: null })
            {
                // Rejected at discovery; guessing from the raw payload could mark the entity available when it is not.
                return;
            }

            if (source.Template?.Template is { } template)
            {
                var result = template.RenderValue(payload);
                switch (result.Outcome)
                {
                    case TemplateOutcome.Value:
                        value = result.Text!;
                        break;
                    case TemplateOutcome.Undefined:
                        // Jinja raises on undefined data ('value_json.state' of a plain "online"), and Home Assistant's
                        // async_render_with_possible_json_value then answers with the payload itself.
                        deferred.Add(static (r, s) => Log.AvailabilityTemplateFellBack(r._logger, ((string, string, string, string?))s!), (definition.Id, source.Template.Key, topic, result.Detail));
                        break;
                    default:
                        // A bad conversion or a type error: Home Assistant logs it and ignores the message.
                        diagnostics.TemplateFailed(definition, source.Template.Key, topic, result.Detail ?? "unknown error");
                        return;
                }
            }

            if (!entity.Availability.Apply(binding.AvailabilityIndex, value))
            {
                deferred.Add(static (r, s) => Log.AvailabilityUnmatched(r._logger, ((string, string, string))s!), (definition.Id, topic, value));
                return;
            }

            RaiseIfAvailabilityChanged(entity, topic, deferred);
            return;
        }

        if (StateTopics.IsEventTopic(definition.Component, binding.Key))
        {
            ProcessEvent(entity, topic, payload, retained, deferred);
            return;
        }

        var isStateTopic = binding.Key == StateTopics.State;
        if (isStateTopic && definition.ExpireAfter is { } expireAfter)
        {
            Revive(entity, expireAfter, topic, deferred);
        }

        var current = entity.State;
        var next = StateReducer.Apply(new StateContext(definition, current, topic, payload, diagnostics, rawPayload), binding.Key);
        if (next is null)
        {
            return;
        }

        if (!next.SameAs(current))
        {
            ChangeState(entity, current, next, topic, deferred);
        }

        if (isStateTopic && definition.Component == HomeAssistantComponents.BinarySensor)
        {
            // After the change, so that with off_delay 0 the ON is raised before the OFF that follows it.
            FollowOffDelay(entity, next, topic, deferred);
        }
    }

    /// <summary>Records a new state (stamped with the registry's clock) and raises its event.</summary>
    private void ChangeState(HomeAssistantEntity entity, EntityState current, EntityState next, string topic, Deferred deferred)
    {
        next = next with { LastChanged = deferred.Now };
        entity.SetState(next);
        _counters.StateChanges++;
        deferred.Raise(new EntityStateChangedEventArgs(entity, current, next, topic));
    }

    /// <summary>Recomputes <see cref="HomeAssistantEntity.IsAvailable"/> (the client's connection, availability topics and
    /// <c>expire_after</c>) and raises and logs a change; true when it changed. Under the lock.</summary>
    private bool RaiseIfAvailabilityChanged(HomeAssistantEntity entity, string topic, Deferred deferred)
    {
        if (!entity.UpdateAvailable(_connected))
        {
            return false;
        }

        var available = entity.IsAvailable;
        deferred.Raise(new EntityAvailabilityChangedEventArgs(entity, available, topic));
        deferred.Add(static (r, s) => Log.AvailabilityChanged(r._logger, ((string, bool))s!), (entity.Id, available));
        return true;
    }

    /// <summary>Subscriptions in flight at once: a large install discovers thousands of state topics, and one SUBACK
    /// round trip after another would take seconds (5,000 devices: over 10 s against 0.6 s pipelined).</summary>
    private const int MaxSubscribesInFlight = 128;

    /// <summary>Makes the broker subscriptions match the router, off the dispatch loop.</summary>
    private async Task ReconcileLoopAsync(CancellationToken stopping)
    {
        // Filters are independent of each other (a filter's own changes are serialised by its slot's Subscribing
        // flag), so their SUBSCRIBEs are pipelined; a barrier waits for every one sent before it.
        List<Task> inflight = [];
        try
        {
            await foreach (var item in _reconcile.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                switch (item)
                {
                    case FilterItem filter:
                        inflight.Add(ReconcileAsync(filter.Filter, stopping));
                        if (inflight.Count >= MaxSubscribesInFlight)
                        {
                            await Task.WhenAll(inflight).ConfigureAwait(false);
                            inflight.Clear();
                        }

                        break;
                    case Barrier barrier:
                        await Task.WhenAll(inflight).ConfigureAwait(false);
                        inflight.Clear();
                        barrier.Done.TrySetResult();
                        break;
                }

                if (inflight.Count > 0 && !_reconcile.Reader.TryPeek(out _))
                {
                    // Nothing more queued: settle what is in flight before waiting for more, so no task is left
                    // unobserved and a later barrier has little to wait for.
                    await Task.WhenAll(inflight).ConfigureAwait(false);
                    inflight.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ReconcileAsync(string filter, CancellationToken stopping)
    {
        Subscription? stale = null;
        bool subscribe;
        lock (_gate)
        {
            if (_router.Get(filter) is not { } slot || slot.Subscribing)
            {
                return;
            }

            subscribe = slot.Listeners.Count > 0 && slot.Subscription is null;
            if (slot.Listeners.Count == 0)
            {
                stale = slot.Subscription;
                _router.Drop(slot);
            }
            else if (subscribe)
            {
                slot.Subscribing = true;
            }
        }

        if (stale is not null)
        {
            await stale.DisposeAsync().ConfigureAwait(false);
        }

        if (!subscribe)
        {
            return;
        }

        Subscription? subscription = null;
        try
        {
            subscription = await Client.SubscribeAsync(filter, (message, _) =>
            {
                OnTopicMessage(filter, message);
                return ValueTask.CompletedTask;
            }, _options.SubscriptionQos, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            Log.SubscribeFailed(_logger, filter, ex);
        }
        finally
        {
            lock (_gate)
            {
                if (_router.Get(filter) is { } slot)
                {
                    slot.Subscribing = false;
                    slot.Subscription = subscription;
                    if (slot.Listeners.Count == 0)
                    {
                        _reconcile.Writer.TryWrite(new FilterItem(filter));
                    }
                }
            }
        }
    }

    /// <summary>Counts (under the lock) and logs (after it) what the reducers could not use.</summary>
    private sealed class StateDiagnostics(HomeAssistantRegistry registry, Deferred deferred) : IStateDiagnostics
    {
        public void TemplateNoValue(EntityDefinition definition, string templateKey, string topic, string? detail)
        {
            registry._counters.TemplateNoValue++;
            deferred.Add(static (r, s) => Log.TemplateNoValue(r._logger, ((string, string, string, string?))s!), (definition.Id, templateKey, topic, detail));
        }

        public void TemplateFailed(EntityDefinition definition, string templateKey, string topic, string detail)
        {
            registry._counters.TemplateErrors++;
            deferred.Add(static (r, s) => Log.TemplateFailed(r._logger, ((string, string, string, string))s!), (definition.Id, templateKey, topic, detail));
        }

        public void InvalidPayload(EntityDefinition definition, string topic, string payload, string reason)
        {
            registry._counters.InvalidStatePayloads++;
            deferred.Add(static (r, s) => Log.InvalidStatePayload(r._logger, ((string, string, string, string))s!), (definition.Id, topic, payload, reason));
        }
    }
}
