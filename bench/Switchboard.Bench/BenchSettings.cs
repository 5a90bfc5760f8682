namespace Switchboard.Bench;

/// <summary>What one harness run measures; built from the command line in Program.cs.</summary>
public sealed record BenchSettings(string? Url, int Messages, int Reps, int LatencyMessages, int LatencyWarmup, int Rate, int EnvelopeMessages, int OfflineMessages, bool Quick)
{
    /// <summary>Only clients whose name contains one of these (case-insensitive); null = all. For profiling runs.</summary>
    public string[]? Clients { get; init; }

    /// <summary>Only these scenarios (qos0, qos1, latency, envelope, offline); null = all.</summary>
    public string[]? Scenarios { get; init; }

    /// <summary>Sample allocations by type (GCAllocationTick) for the in-process clients and print them after the table.</summary>
    public bool AllocationProfile { get; init; }

    /// <summary>Run a short unrecorded JIT warm-up of the in-process clients first.</summary>
    public bool Warmup { get; init; } = true;

    /// <summary>Protocol versions, one table section each (<c>--protocol 5|3.1.1|both</c>, default 5).</summary>
    public IReadOnlyList<MqttProtocol> Protocols { get; init; } = [MqttProtocol.V500];

    /// <summary>Transports of the private broker's listeners, one table section each (<c>--transport tcp|tls|both</c>, default both).</summary>
    public IReadOnlyList<BenchTransport> Transports { get; init; } = [BenchTransport.Tcp, BenchTransport.Tls];

    /// <summary>With <see cref="Url"/> = <c>mqtts://…</c>: the CA to verify that broker against (<c>--ca-file</c>); null = system trust.</summary>
    public string? CaFile { get; init; }
}
