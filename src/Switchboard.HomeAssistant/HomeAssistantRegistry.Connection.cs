using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant;

// Home Assistant marks every MQTT entity unavailable while its own connection is down (MqttAvailabilityMixin.available
// checks client.connected first) and re-evaluates them on reconnect; the registry does the same with its client. The
// connection is the third factor of IsAvailable, next to the availability topics and expire_after, decided under _gate
// like the other two. The expire_after delays keep running meanwhile, as Home Assistant's do.
public sealed partial class HomeAssistantRegistry
{
    /// <summary>The <see cref="EntityAvailabilityChangedEventArgs.Topic"/> of a change caused by the client's connection.</summary>
    internal const string ConnectionTopic = "";

    /// <summary>Whether the client was <see cref="ConnectionState.Connected"/> at its last state change; under <see cref="_gate"/>.</summary>
    private bool _connected;

    /// <summary>Test hook: applies a client state change, as if the client had raised it, without a broker.</summary>
    internal void InjectConnectionState(ConnectionState state) => ApplyConnectionState(state);

    /// <summary>Follows the client from now on. Subscribes before reading the state: a change in between is then raised
    /// to us afterwards, and the client raises its changes in order, so the last one applied is the current state.</summary>
    private void FollowConnection()
    {
        Client.StateChanged += OnClientStateChanged;
        lock (_gate)
        {
            _connected = Client.State == ConnectionState.Connected;
        }
    }

    private void OnClientStateChanged(object? sender, ConnectionStateChangedEventArgs e) => ApplyConnectionState(e.Current);

    /// <summary>Runs on the client's event task, concurrently with state messages and timers. Never throws.</summary>
    private void ApplyConnectionState(ConnectionState state)
    {
        var deferred = new Deferred(this);
        try
        {
            var connected = state == ConnectionState.Connected;
            lock (_gate)
            {
                if (Volatile.Read(ref _disposed) != 0 || connected == _connected)
                {
                    return;
                }

                _connected = connected;
                if (connected)
                {
                    SignalReconnected();
                }
                var changed = 0;
                foreach (var entity in _byKey.Values)
                {
                    if (RaiseIfAvailabilityChanged(entity, ConnectionTopic, deferred))
                    {
                        changed++;
                    }
                }

                deferred.Add(static (r, s) => Log.ConnectionAvailability(r._logger, ((ConnectionState, int, int))s!), (state, changed, _byKey.Count));
            }
        }
        catch (Exception ex)
        {
            Log.ConnectionHandlingFailed(_logger, state, ex);
        }
        finally
        {
            deferred.Run();
        }
    }
}
