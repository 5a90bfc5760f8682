using System.Threading.Channels;

namespace Switchboard.HomeAssistant;

public sealed partial class HomeAssistantRegistry
{
    private readonly Channel<EventArgs> _events = Channel.CreateUnbounded<EventArgs>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _eventsTask;

    /// <summary>An entity was added or its config updated (<see cref="EntityDiscoveredEventArgs.IsUpdate"/>).</summary>
    public event EventHandler<EntityDiscoveredEventArgs>? Discovered;

    /// <summary>An entity was removed.</summary>
    public event EventHandler<EntityRemovedEventArgs>? Removed;

    /// <summary>An entity's state changed.</summary>
    public event EventHandler<EntityStateChangedEventArgs>? StateChanged;

    /// <summary>An entity became available or unavailable.</summary>
    public event EventHandler<EntityAvailabilityChangedEventArgs>? AvailabilityChanged;

    /// <summary>Queues an event for <see cref="RaiseEventsAsync"/>; the channel runs no continuation inline, so this is
    /// safe under the lock. After disposal it is dropped.</summary>
    /// <summary>Queues an event for the event task, unless nobody listens to it: a large install changes tens of
    /// thousands of states a second, and waking the event task for each change nobody reads costs more CPU than the
    /// change itself. (A handler added meanwhile sees the changes after it, as it would anyway.)</summary>
    internal void Enqueue(EventArgs args)
    {
        var wanted = args switch
        {
            EntityStateChangedEventArgs => StateChanged is not null,
            EntityAvailabilityChangedEventArgs => AvailabilityChanged is not null,
            EntityDiscoveredEventArgs => Discovered is not null,
            EntityRemovedEventArgs => Removed is not null,
            TriggerFiredEventArgs => TriggerFired is not null,
            TagScannedEventArgs => TagScanned is not null,
            EventReceivedEventArgs => EventReceived is not null,
            _ => true,
        };
        if (wanted)
        {
            _events.Writer.TryWrite(args);
        }
    }

    /// <summary>Raises events in order on a task of its own: a slow or throwing handler never reaches the client's
    /// dispatch loop; exceptions are logged and counted.</summary>
    private async Task RaiseEventsAsync()
    {
        await foreach (var args in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                switch (args)
                {
                    case EntityDiscoveredEventArgs discovered:
                        Discovered?.Invoke(this, discovered);
                        break;
                    case EntityRemovedEventArgs removed:
                        Removed?.Invoke(this, removed);
                        break;
                    case EntityStateChangedEventArgs changed:
                        StateChanged?.Invoke(this, changed);
                        break;
                    case EntityAvailabilityChangedEventArgs availability:
                        AvailabilityChanged?.Invoke(this, availability);
                        break;
                    case TriggerFiredEventArgs fired:
                        TriggerFired?.Invoke(this, fired);
                        break;
                    case TagScannedEventArgs scanned:
                        TagScanned?.Invoke(this, scanned);
                        break;
                    case EventBarrier barrier:
                        barrier.Done.TrySetResult();
                        break;
                    case EventReceivedEventArgs received:
                        EventReceived?.Invoke(this, received);
                        break;
                }
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _counters.HandlerErrors);
                Log.EventHandlerFailed(_logger, args.GetType().Name, ex);
            }
        }
    }
}
