using MQTTnet;

namespace Switchboard;

/// <summary>
/// One MQTTnet connection, from CONNACK to its loss. A new MQTTnet client is made per session, so nothing from a dead
/// connection (its pending acks, its events) can leak into the next one.
/// </summary>
internal sealed class ConnectionSession : IDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly TaskCompletionSource<Exception?> _lostReason = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConnectionSession(IMqttClient client, MqttProtocol protocol, long epoch)
    {
        // Cached: the token stays usable (and cancelled) after the session is disposed.
        Lost = _lost.Token;
        Client = client;
        Protocol = protocol;
        Epoch = epoch;
    }

    public IMqttClient Client { get; }

    /// <summary>The TCP transport of this session (null for WebSockets), for corking batches of writes.</summary>
    public CoalescingStreamProvider? Transport { get; init; }

    public CoalescingStream? Stream => Transport?.Stream;

    public MqttProtocol Protocol { get; }

    public long Epoch { get; }

    public MqttClientConnectResult? ConnectResult { get; set; }

    /// <summary>How many QoS ≥ 1 publishes may await acknowledgement: our window, lowered to the broker's receive-maximum.</summary>
    public int InflightLimit { get; set; } = 1;

    /// <summary>The broker's maximum packet size (MQTT 5 CONNACK), 0 when it announced none.</summary>
    public uint MaximumPacketSize => ConnectResult?.MaximumPacketSize ?? 0;

    public bool SessionPresent => ConnectResult?.IsSessionPresent ?? false;

    /// <summary>Cancelled when the session is lost.</summary>
    public CancellationToken Lost { get; }

    /// <summary>Completes with the reason when the session is lost.</summary>
    public Task<Exception?> LostTask => _lostReason.Task;

    public bool IsAlive => !_lostReason.Task.IsCompleted;

    /// <summary>Marks the session dead; only the first call counts.</summary>
    public bool MarkLost(Exception? reason)
    {
        if (!_lostReason.TrySetResult(reason))
        {
            return false;
        }

        try
        {
            _lost.Cancel();
        }
        catch (AggregateException)
        {
            // A callback registered on Lost threw; the session is lost regardless.
        }

        return true;
    }

    public void Dispose()
    {
        MarkLost(null);
        try
        {
            Client.Dispose();
        }
        catch (Exception)
        {
            // Disposing a broken MQTTnet client can throw from its socket; nothing is left to clean up.
        }

        // _lost is deliberately not disposed: it owns no timer, and code still holding the session may register on
        // Lost after the supervisor has moved on.
    }
}
