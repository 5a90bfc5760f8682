using Switchboard.HomeAssistant.Discovery;
using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant;

public sealed partial class HomeAssistantRegistry
{
    /// <summary>Handles one message under the discovery prefix. Runs on the client's dispatch loop: it parses, updates
    /// the registry under the lock, and hands subscriptions to the worker and events to the event task. Never throws.</summary>
    private ValueTask OnDiscoveryMessage(MqttMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _counters.DiscoveryMessages);
        var deferred = new Deferred(this);
        try
        {
            switch (DiscoveryTopic.TryParse(message.Topic, _options.DiscoveryPrefix, _components, out var topic, out var reason, out var detail))
            {
                case TopicClass.NotConfig:
                    Interlocked.Increment(ref _counters.Ignored);
                    return ValueTask.CompletedTask;
                case TopicClass.Rejected:
                    lock (_gate)
                    {
                        Reject(message.Topic, reason, detail!, null, deferred);
                    }

                    return ValueTask.CompletedTask;
            }

            var outcome = DiscoveryParser.Parse(topic, message.Payload, _components);
            var payloadText = outcome.Changes.Count > 0 ? message.PayloadAsString() : string.Empty;
            lock (_gate)
            {
                foreach (var rejection in outcome.Rejections)
                {
                    Reject(message.Topic, rejection.Reason, rejection.Detail, rejection.ComponentId, deferred);
                }

                if (outcome.RemoveDeviceEntities)
                {
                    foreach (var entity in _byKey.Values.Where(e => e.Definition.ComponentId is not null && e.DiscoveryTopic == message.Topic).ToList())
                    {
                        RemoveEntity(entity, deferred);
                    }
                }

                foreach (var change in outcome.Changes)
                {
                    if (change.Definition is null)
                    {
                        if (_byKey.TryGetValue(change.Key, out var existing))
                        {
                            RemoveEntity(existing, deferred);
                        }
                    }
                    else
                    {
                        Upsert(change.Definition, payloadText, deferred);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // A bug of ours must not take the client's dispatch loop down with it.
            Log.DiscoveryHandlingFailed(_logger, message.Topic, ex);
        }
        finally
        {
            deferred.Run();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The UTF-8 bytes of a discovery payload for the entities' debug records; the components of one device
    /// message get the same array. Under the lock.</summary>
    private byte[] DebugBytes(string payload)
    {
        if (!ReferenceEquals(_lastDebugText, payload))
        {
            _lastDebugText = payload;
            _lastDebugBytes = System.Text.Encoding.UTF8.GetBytes(payload);
        }

        return _lastDebugBytes;
    }

    private void Upsert(EntityDefinition definition, string payload, Deferred deferred)
    {
        _byKey.TryGetValue(definition.Key, out var entity);
        if (definition.UniqueId is { } uniqueId && _byId.TryGetValue(uniqueId, out var owner) && !ReferenceEquals(owner, entity))
        {
            if (owner.Component != definition.Component)
            {
                Reject(definition.DiscoveryTopic, RejectionReason.DuplicateUniqueId, $"unique_id '{uniqueId}' is already used by {owner.Component} entity on '{owner.DiscoveryTopic}'", definition.ComponentId, deferred);
                return;
            }

            if (entity is not null)
            {
                // This topic's entity takes the unique id over from another topic's: the other one goes.
                RemoveEntity(owner, deferred);
            }
            else
            {
                // The same entity, announced on a new discovery topic: move it.
                _byKey.Remove(owner.Definition.Key);
                entity = owner;
            }
        }

        foreach (var unsupported in definition.UnsupportedTemplates)
        {
            _counters.UnsupportedTemplates++;
            var detail = $"'{unsupported.Key}' is outside the supported template subset ({unsupported.Error}): {unsupported.Source}";
            Reject(definition.DiscoveryTopic, RejectionReason.UnsupportedTemplate, detail, definition.ComponentId, deferred, log: false);
            deferred.Add(static (r, s) => Log.UnsupportedTemplate(r._logger, ((string, string, string?, string))s!), (definition.Id, unsupported.Key, unsupported.Error, unsupported.Source));
        }

        if (entity is null)
        {
            entity = new HomeAssistantEntity(this, definition, _connected);
            entity.Debug.Discovered(DebugBytes(payload), _time.GetUtcNow());
            _byKey[definition.Key] = entity;
            _byId[definition.Id] = entity;
            _counters.Added++;
            foreach (var binding in definition.Bindings)
            {
                Bind(new TopicListener(entity, binding), deferred);
            }

            deferred.Raise(new EntityDiscoveredEventArgs(entity, isUpdate: false));
            deferred.Add(static (r, s) => Log.EntityAdded(r._logger, (HomeAssistantEntity)s!), entity);
            CompleteWaiters(entity, deferred);
            return;
        }

        var previous = entity.Definition;
        if (previous.Id != definition.Id)
        {
            _byId.Remove(previous.Id);
        }

        _byKey.Remove(previous.Key);
        entity.SetDefinition(definition);
        entity.Debug.Discovered(DebugBytes(payload), _time.GetUtcNow());
        entity.Debug.Keep(definition.Bindings.Select(b => b.Topic));
        if (LightStateReducer.FixedColorMode(definition) is { } colorMode && entity.State.ColorMode != colorMode)
        {
            // Home Assistant sets the only supported color mode again whenever the config is applied.
            entity.SetState(entity.State with { ColorMode = colorMode });
        }

        _byKey[definition.Key] = entity;
        _byId[definition.Id] = entity;
        var wasAvailable = entity.IsAvailable;
        entity.Availability = entity.Availability.CarryOver(definition.Availability);
        CarryOverExpiry(entity, previous);
        entity.UpdateAvailable(_connected);
        foreach (var binding in previous.Bindings.Except(definition.Bindings))
        {
            Unbind(new TopicListener(entity, binding));
        }

        foreach (var binding in definition.Bindings.Except(previous.Bindings))
        {
            Bind(new TopicListener(entity, binding), deferred);
        }

        _counters.Updated++;
        deferred.Raise(new EntityDiscoveredEventArgs(entity, isUpdate: true));
        if (wasAvailable != entity.IsAvailable)
        {
            deferred.Raise(new EntityAvailabilityChangedEventArgs(entity, entity.IsAvailable, definition.DiscoveryTopic));
        }

        deferred.Add(static (r, s) => Log.EntityUpdated(r._logger, (HomeAssistantEntity)s!), entity);
        CompleteWaiters(entity, deferred);
    }

    private void RemoveEntity(HomeAssistantEntity entity, Deferred deferred)
    {
        var definition = entity.Definition;
        _byKey.Remove(definition.Key);
        if (_byId.TryGetValue(definition.Id, out var owner) && ReferenceEquals(owner, entity))
        {
            _byId.Remove(definition.Id);
        }

        foreach (var binding in definition.Bindings)
        {
            Unbind(new TopicListener(entity, binding));
        }

        entity.DisposeTimers();
        entity.MarkRemoved();
        _counters.Removed++;
        deferred.Raise(new EntityRemovedEventArgs(entity));
        deferred.Add(static (r, s) => Log.EntityRemoved(r._logger, (HomeAssistantEntity)s!), entity);
    }

    private void Reject(string topic, RejectionReason reason, string detail, string? componentId, Deferred deferred, bool log = true)
    {
        _counters.Rejected++;
        _rejectedByReason[reason] = _rejectedByReason.GetValueOrDefault(reason) + 1;
        var rejection = new DiscoveryRejection(topic, reason, detail, componentId, _time.GetUtcNow());
        if (_options.RejectionHistory > 0)
        {
            _rejections.Enqueue(rejection);
            while (_rejections.Count > _options.RejectionHistory)
            {
                _rejections.Dequeue();
            }
        }

        if (log)
        {
            deferred.Add(static (r, s) => Log.DiscoveryRejected(r._logger, (DiscoveryRejection)s!), rejection);
        }
    }

    private void CompleteWaiters(HomeAssistantEntity entity, Deferred deferred)
    {
        foreach (var key in new[] { entity.Id, entity.Definition.Key })
        {
            if (_waiters.Remove(key, out var waiters))
            {
                foreach (var waiter in waiters)
                {
                    deferred.Add(
                        static (_, s) =>
                        {
                            var (w, e) = ((TaskCompletionSource<HomeAssistantEntity>, HomeAssistantEntity))s!;
                            w.TrySetResult(e);
                        },
                        (waiter, entity));
                }
            }
        }
    }
}
