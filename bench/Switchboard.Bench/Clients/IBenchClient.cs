namespace Switchboard.Bench;

/// <summary>One contender. A scenario it cannot run returns <see cref="RunResult.Skip"/>.</summary>
public interface IBenchClient
{
    string Name { get; }

    /// <summary>One publisher and one subscriber connection, <paramref name="count"/> × 64 B, delivered msg/s and integrity.</summary>
    Task<RunResult> ThroughputAsync(string url, int qos, int count);

    /// <summary>QoS 1 at a fixed rate, publisher and subscriber in one process: publish → receive percentiles.</summary>
    Task<RunResult> LatencyAsync(string url, int rate, int warmup, int count);

    /// <summary>QoS 1 throughput of JSON envelopes <c>{"id","type","ts","source","data":{"seq","t"}}</c>.</summary>
    Task<RunResult> EnvelopeAsync(string url, int count);

    /// <summary>Call time of a publish on a client that is not connected (it queues).</summary>
    Task<RunResult> PostOfflineAsync(string url, int count);
}
