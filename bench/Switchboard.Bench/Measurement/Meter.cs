using System.Diagnostics;

namespace Switchboard.Bench;

/// <summary>
/// In-process CPU (Process.TotalProcessorTime), context switches (getrusage), allocation
/// (GC.GetTotalAllocatedBytes(precise), all threads) and peak working set (sampled every 20 ms) over a measured window.
/// </summary>
public sealed class Meter : IDisposable
{
    private readonly TimeSpan _cpu0;
    private readonly long _switches0;
    private readonly long _alloc0;
    private readonly Timer _timer;
    private long _peak;

    public readonly record struct Reading(double CpuUs, long ContextSwitches, long AllocatedBytes, double PeakWorkingSetMb);

    private Meter()
    {
        _peak = Environment.WorkingSet;
        _timer = new Timer(_ => Sample(), null, 20, 20);
        _alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        _switches0 = ResourceUsage.Self().ContextSwitches;
        _cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    }

    public static Meter Start() => new();

    private void Sample()
    {
        var ws = Environment.WorkingSet;
        long current;
        while (ws > (current = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, ws, current) != current)
        {
        }
    }

    public Reading Stop()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpu0;
        var switches = ResourceUsage.Self().ContextSwitches - _switches0;
        var alloc = GC.GetTotalAllocatedBytes(precise: true) - _alloc0;
        Sample();
        _timer.Dispose();
        return new Reading(cpu.TotalMicroseconds, switches, alloc, Interlocked.Read(ref _peak) / (1024.0 * 1024.0));
    }

    public void Dispose() => _timer.Dispose();
}
