using System.Globalization;
using System.Runtime.InteropServices;

namespace Switchboard.Bench;

/// <summary>CPU time and context switches of a process (or of the reaped children), as a point-in-time reading.</summary>
public readonly record struct ResourceUsage(double CpuUs, long ContextSwitches)
{
    public static readonly ResourceUsage Unknown = new(double.NaN, 0);

    public static ResourceUsage operator -(ResourceUsage end, ResourceUsage start) =>
        new(end.CpuUs - start.CpuUs, end.ContextSwitches - start.ContextSwitches);

    /// <summary>This process, all threads (getrusage RUSAGE_SELF; includes threads that have exited).</summary>
    public static ResourceUsage Self() => FromRusage(RusageSelf);

    /// <summary>All terminated, waited-for children (getrusage RUSAGE_CHILDREN).</summary>
    public static ResourceUsage ReapedChildren() => FromRusage(RusageChildren);

    /// <summary>
    /// A live child: utime + stime from /proc/&lt;pid&gt;/stat, context switches summed over /proc/&lt;pid&gt;/task/*/status.
    /// <see cref="Unknown"/> when the process is gone.
    /// </summary>
    public static ResourceUsage Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) is index 12.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long switches = 0;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                switches += ContextSwitchesOf(Path.Combine(task, "status"));
            }

            return new ResourceUsage(ticks / ClockTicksPerSecond * 1e6, switches);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Unknown;
        }
    }

    private const double ClockTicksPerSecond = 100.0; // sysconf(_SC_CLK_TCK) is 100 on Linux.
    private const int RusageSelf = 0;
    private const int RusageChildren = -1;

    private static long ContextSwitchesOf(string statusFile)
    {
        long switches = 0;
        try
        {
            foreach (var line in File.ReadLines(statusFile))
            {
                if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) ||
                    line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                {
                    switches += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // The thread exited between listing and reading.
        }

        return switches;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UtimeSec, UtimeUsec, StimeSec, StimeUsec;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);

    private static ResourceUsage FromRusage(int who)
    {
        if (getrusage(who, out var usage) != 0)
        {
            return Unknown;
        }

        return new ResourceUsage((usage.UtimeSec + usage.StimeSec) * 1e6 + usage.UtimeUsec + usage.StimeUsec, usage.NVcsw + usage.NIvcsw);
    }
}
