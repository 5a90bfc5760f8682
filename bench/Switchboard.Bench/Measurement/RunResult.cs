namespace Switchboard.Bench;

/// <summary>What one run of one client in one scenario measured. NaN = not measured / not applicable.</summary>
public sealed record RunResult
{
    public double MsgPerSec { get; init; } = double.NaN;
    public double P50 { get; init; } = double.NaN;
    public double P99 { get; init; } = double.NaN;
    public double Max { get; init; } = double.NaN;
    public double CpuUsPerMsg { get; init; } = double.NaN;

    /// <summary>Voluntary + involuntary context switches of the client process(es) per message: thread hops and wake-ups.</summary>
    public double ContextSwitchesPerMsg { get; init; } = double.NaN;

    /// <summary>CPU time of the broker (the private Mosquitto) per message during the run: what this client's traffic costs it.</summary>
    public double BrokerCpuUsPerMsg { get; init; } = double.NaN;

    public double PeakWorkingSetMb { get; init; } = double.NaN;
    public double AllocBytesPerMsg { get; init; } = double.NaN;
    public long Missing { get; init; }
    public long Duplicates { get; init; }
    public long OutOfOrder { get; init; }
    public string? Note { get; init; }
    public bool Skipped { get; init; }

    /// <summary>The client does not take part in this scenario (a reference tool, or the other Switchboard API): no row.</summary>
    public bool IsAbsent { get; init; }

    public static RunResult Skip(string note) => new() { Skipped = true, Note = note };

    public static RunResult Absent(string note) => new() { Skipped = true, IsAbsent = true, Note = note };
}
