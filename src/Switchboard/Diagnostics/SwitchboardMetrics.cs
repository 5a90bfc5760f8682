using System.Diagnostics.Metrics;

namespace Switchboard;

/// <summary>
/// The <c>Switchboard</c> meter: observable instruments over the client's counters, so the hot path pays for one
/// interlocked increment and nothing else. Listen with dotnet-counters or OpenTelemetry.
/// </summary>
internal sealed class SwitchboardMetrics : IDisposable
{
    public const string MeterName = SwitchboardTelemetry.MeterName;

    private readonly Meter _meter;

    public SwitchboardMetrics(IMeterFactory? factory, string clientId, ClientCounters counters, Func<int> queued, Func<int> incomingQueued, Func<ConnectionState> state, string serverAddress, int serverPort)
    {
        var tags = new[] { new KeyValuePair<string, object?>("switchboard.client_id", clientId) };
        _meter = factory?.Create(new MeterOptions(MeterName) { Tags = tags }) ?? new Meter(MeterName, null, tags);

        // OpenTelemetry's messaging metrics, over the same counters (the switchboard.* names below stay as they were).
        KeyValuePair<string, object?>[] sent = [new("messaging.system", "mqtt"), new("messaging.operation.name", "publish"), new("server.address", serverAddress), new("server.port", serverPort)];
        KeyValuePair<string, object?>[] failed = [.. sent, new("error.type", "_OTHER")];
        KeyValuePair<string, object?>[] consumed = [new("messaging.system", "mqtt"), new("messaging.operation.name", "process"), new("server.address", serverAddress), new("server.port", serverPort)];
        _meter.CreateObservableCounter(
            "messaging.client.sent.messages",
            () => new[] { new Measurement<long>(Volatile.Read(ref counters.Published), sent), new Measurement<long>(Volatile.Read(ref counters.PublishErrors), failed) },
            "{message}",
            "Messages sent to the broker (written at QoS 0, acknowledged at QoS ≥ 1), and with error.type those that failed");
        _meter.CreateObservableCounter("messaging.client.consumed.messages", () => new Measurement<long>(Volatile.Read(ref counters.Received), consumed), "{message}", "Messages delivered to the client");
        _meter.CreateObservableCounter("switchboard.messages.published", () => Volatile.Read(ref counters.Published), "{message}", "Messages acknowledged by (QoS ≥ 1) or written to (QoS 0) the broker");
        _meter.CreateObservableCounter("switchboard.messages.received", () => Volatile.Read(ref counters.Received), "{message}", "Messages received");
        _meter.CreateObservableCounter("switchboard.messages.dropped", () => Volatile.Read(ref counters.Dropped), "{message}", "Messages dropped by the overflow policy");
        _meter.CreateObservableCounter("switchboard.messages.resent", () => Volatile.Read(ref counters.Resent), "{message}", "Messages resent after a reconnect");
        _meter.CreateObservableCounter("switchboard.publish.errors", () => Volatile.Read(ref counters.PublishErrors), "{message}", "Publishes that failed");
        _meter.CreateObservableCounter("switchboard.duplicates.dropped", () => Volatile.Read(ref counters.DuplicatesDropped), "{message}", "Duplicate envelopes suppressed");
        _meter.CreateObservableCounter("switchboard.handler.errors", () => Volatile.Read(ref counters.HandlerErrors), "{error}", "Handler invocations that threw");
        _meter.CreateObservableCounter("switchboard.messages.poison", () => Volatile.Read(ref counters.PoisonMessages), "{message}", "Messages acknowledged as poison after their handler kept failing");
        _meter.CreateObservableCounter("switchboard.messages.unrouted", () => Volatile.Read(ref counters.Unrouted), "{message}", "QoS >= 1 messages that matched no handler (acknowledged and dropped)");
        _meter.CreateObservableCounter("switchboard.envelopes.malformed", () => Volatile.Read(ref counters.MalformedEnvelopes), "{message}", "Malformed envelopes ignored");
        _meter.CreateObservableCounter("switchboard.reconnects", () => Volatile.Read(ref counters.Reconnects), "{reconnect}", "Successful reconnections");
        _meter.CreateObservableCounter("switchboard.sessions.lost", () => Volatile.Read(ref counters.SessionsLost), "{session}", "Reconnects without the broker's session");
        _meter.CreateObservableGauge("switchboard.queue.length", queued, "{message}", "Messages waiting in the outgoing queue");
        _meter.CreateObservableGauge("switchboard.inflight", () => Volatile.Read(ref counters.Inflight), "{message}", "Publishes awaiting acknowledgement");
        _meter.CreateObservableGauge("switchboard.incoming.length", incomingQueued, "{message}", "Messages waiting for their handlers");
        _meter.CreateObservableGauge("switchboard.connected", () => state() == ConnectionState.Connected ? 1 : 0, null, "1 while connected");
    }

    /// <summary>The meter, for the instruments recorded on the hot paths (<see cref="ClientTelemetry"/>).</summary>
    public Meter Meter => _meter;

    public void Dispose() => _meter.Dispose();
}
