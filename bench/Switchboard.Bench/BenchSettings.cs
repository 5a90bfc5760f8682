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
}
