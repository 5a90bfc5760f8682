namespace Switchboard.Bench;

/// <summary>
/// One contender. A scenario it cannot run returns <see cref="RunResult.Skip"/> (a row with a note), one it does not
/// take part in <see cref="RunResult.Absent"/> (no row). Every run connects to <see cref="BenchTarget.Url"/> with the
/// target's transport and protocol version.
/// </summary>
public interface IBenchClient
{
    string Name { get; }

    /// <summary>One publisher and one subscriber connection, <paramref name="count"/> × 64 B, delivered msg/s and integrity.</summary>
    Task<RunResult> ThroughputAsync(BenchTarget target, int qos, int count);

    /// <summary>QoS 1 at a fixed rate, publisher and subscriber in one process: publish → receive percentiles.</summary>
    Task<RunResult> LatencyAsync(BenchTarget target, int rate, int warmup, int count);

    /// <summary>QoS 1 throughput of JSON envelopes <c>{"id","type","ts","source","data":{"seq","t"}}</c>.</summary>
    Task<RunResult> EnvelopeAsync(BenchTarget target, int count);

    /// <summary>Call time of a publish on a client that is not connected (it queues).</summary>
    Task<RunResult> PostOfflineAsync(BenchTarget target, int count);
}
