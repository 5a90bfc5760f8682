using Switchboard.HomeAssistant.Discovery;
using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant;

// expire_after and off_delay, as Home Assistant's MQTT sensor and binary sensor apply them. Delays are started under
// _gate by state messages (receive threads) and fire on timer threads, which take the same lock, so a firing and a
// message never interleave.
public sealed partial class HomeAssistantRegistry
{
    /// <summary><c>expire_after</c>: any message on the state topic, usable or not, proves the device alive (Home Assistant
    /// restarts the delay before it even renders the payload).</summary>
    private void Revive(HomeAssistantEntity entity, TimeSpan expireAfter, string topic, Deferred deferred)
    {
        entity.IsExpired = false;
        (entity.ExpiryTimer ??= NewTimer(entity)).Start(expireAfter, topic);
        RaiseIfAvailabilityChanged(entity, topic, deferred);
    }

    /// <summary><c>off_delay</c>: a state the binary sensor understood (on, off, <c>None</c>) replaces a pending turn-off,
    /// and an ON starts a new one. Home Assistant cancels the pending one even when a rediscovery dropped
    /// <c>off_delay</c>, so this runs without it too.</summary>
    private void FollowOffDelay(HomeAssistantEntity entity, EntityState state, string topic, Deferred deferred)
    {
        entity.OffDelayTimer?.Stop();
        if (state.IsOn != true || entity.Definition.OffDelay is not { } offDelay)
        {
            return;
        }

        if (offDelay == TimeSpan.Zero)
        {
            // Home Assistant turns it off on its next loop turn. A zero-due timer may fire inside CreateTimer (under this
            // lock, with a test clock) and enqueue the OFF before the ON; turning off here keeps the order.
            TurnOff(entity, topic, deferred);
            return;
        }

        (entity.OffDelayTimer ??= NewTimer(entity)).Start(offDelay, topic);
    }

    /// <summary>On rediscovery: an unchanged <c>expire_after</c> keeps its running delay and verdict, as the availability
    /// topics keep what they said. A new or changed one starts expired, as Home Assistant does when it re-reads the
    /// setting; the next state message revives the entity. Without one, the entity cannot be expired.</summary>
    private static void CarryOverExpiry(HomeAssistantEntity entity, EntityDefinition previous)
    {
        var expireAfter = entity.Definition.ExpireAfter;
        if (expireAfter == previous.ExpireAfter)
        {
            return;
        }

        entity.ExpiryTimer?.Stop();
        entity.IsExpired = expireAfter is not null;
    }

    private void TurnOff(HomeAssistantEntity entity, string topic, Deferred deferred)
    {
        var current = entity.State;
        var next = current with { IsOn = false, Value = "off" };
        if (!next.SameAs(current))
        {
            ChangeState(entity, current, next, topic, deferred);
        }
    }

    private EntityTimer NewTimer(HomeAssistantEntity entity) =>
        new(_time, (timer, generation) => OnDelayElapsed(entity, timer, generation));

    /// <summary>A delay's timer fired (on a timer thread). Never throws.</summary>
    private void OnDelayElapsed(HomeAssistantEntity entity, EntityTimer timer, long generation)
    {
        var deferred = new Deferred(this);
        try
        {
            lock (_gate)
            {
                if (Volatile.Read(ref _disposed) != 0 || entity.IsRemoved || !timer.TryElapse(generation))
                {
                    return;
                }

                if (ReferenceEquals(timer, entity.ExpiryTimer))
                {
                    entity.IsExpired = true;
                    deferred.Add(static (r, s) => Log.StateExpired(r._logger, ((string, TimeSpan))s!), (entity.Id, entity.Definition.ExpireAfter ?? TimeSpan.Zero));
                    RaiseIfAvailabilityChanged(entity, timer.Topic, deferred);
                }
                else
                {
                    TurnOff(entity, timer.Topic, deferred);
                }
            }
        }
        catch (Exception ex)
        {
            // An exception escaping a timer callback would end the process.
            Log.DelayFailed(_logger, entity.Id, ex);
        }
        finally
        {
            deferred.Run();
        }
    }
}
