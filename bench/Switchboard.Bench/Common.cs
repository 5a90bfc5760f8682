using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace Switchboard.Bench;

/// <summary>What one run of one client in one scenario measured. NaN = not measured / not applicable.</summary>
public sealed record RunResult
{
    public double MsgPerSec { get; init; } = double.NaN;
    public double P50 { get; init; } = double.NaN;
    public double P99 { get; init; } = double.NaN;
    public double Max { get; init; } = double.NaN;
    public double CpuUsPerMsg { get; init; } = double.NaN;
    public double PeakWorkingSetMb { get; init; } = double.NaN;
    public double AllocBytesPerMsg { get; init; } = double.NaN;
    public long Missing { get; init; }
    public long Duplicates { get; init; }
    public long OutOfOrder { get; init; }
    public string? Note { get; init; }
    public bool Skipped { get; init; }

    public static RunResult Skip(string note) => new() { Skipped = true, Note = note };
}

/// <summary>The 64-byte benchmark payload: 8-byte sequence number, 8-byte Stopwatch timestamp, zeros.</summary>
public static class Payload
{
    public const int Size = 64;

    public static byte[] Create(long sequence)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, sequence);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), Stopwatch.GetTimestamp());
        return bytes;
    }

    public static long Sequence(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload);

    public static long Timestamp(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);

    public static double MicrosSince(long timestamp) => (Stopwatch.GetTimestamp() - timestamp) * 1_000_000.0 / Stopwatch.Frequency;
}

/// <summary>Envelope data of the events scenario: <c>{"seq":n,"t":ticks}</c>.</summary>
public sealed record EventData(long Seq, long T);

/// <summary>The envelope as raw MQTTnet code would write it by hand (same wire format as Switchboard's).</summary>
public sealed record RawEnvelope(string Id, string Type, double Ts, string Source, EventData Data);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EventData))]
[JsonSerializable(typeof(RawEnvelope))]
internal sealed partial class BenchJson : JsonSerializerContext;

/// <summary>Integrity of a numbered stream [0, n): unique, duplicates, out-of-order first arrivals; completion signal.</summary>
public sealed class Tally
{
    private readonly Lock _lock = new();
    private readonly bool[] _seen;
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _highest = -1;
    private long _lastArrival;
    private int _unique;

    public Tally(int count) => _seen = new bool[count];

    public int Count => _seen.Length;
    public int Unique => Volatile.Read(ref _unique);
    public long Duplicates { get; private set; }
    public long OutOfOrder { get; private set; }
    public long LastArrival => Volatile.Read(ref _lastArrival);

    public void Record(long sequence)
    {
        lock (_lock)
        {
            Volatile.Write(ref _lastArrival, Stopwatch.GetTimestamp());
            if ((ulong)sequence >= (ulong)_seen.Length)
            {
                return;
            }

            if (_seen[sequence])
            {
                Duplicates++;
                return;
            }

            _seen[sequence] = true;
            if (sequence < _highest)
            {
                OutOfOrder++;
            }
            else
            {
                _highest = sequence;
            }

            if (++_unique == _seen.Length)
            {
                _complete.TrySetResult();
            }
        }
    }

    /// <summary>Waits until everything arrived, or until nothing arrived for <paramref name="idle"/> after the publisher finished, or <paramref name="hard"/>.</summary>
    public async Task WaitAsync(Task publisherDone, TimeSpan idle, TimeSpan hard)
    {
        var deadline = Stopwatch.StartNew();
        var lastUnique = -1;
        var idleSince = Stopwatch.StartNew();
        while (!_complete.Task.IsCompleted && deadline.Elapsed < hard)
        {
            await Task.WhenAny(_complete.Task, Task.Delay(50));
            if (!publisherDone.IsCompleted)
            {
                idleSince.Restart();
                continue;
            }

            if (Unique != lastUnique)
            {
                lastUnique = Unique;
                idleSince.Restart();
            }
            else if (idleSince.Elapsed > idle)
            {
                break;
            }
        }
    }

    public RunResult Throughput(long startTimestamp, Meter.Reading meter) => new()
    {
        MsgPerSec = Unique / Math.Max(1e-9, (LastArrival - startTimestamp) / (double)Stopwatch.Frequency),
        Missing = Count - Unique,
        Duplicates = Duplicates,
        OutOfOrder = OutOfOrder,
        CpuUsPerMsg = meter.CpuUs / Count,
        PeakWorkingSetMb = meter.PeakWorkingSetMb,
        AllocBytesPerMsg = meter.AllocatedBytes / (double)Count,
    };
}

/// <summary>In-process CPU, allocation and peak working set over a measured window.</summary>
public sealed class Meter : IDisposable
{
    private readonly TimeSpan _cpu0;
    private readonly long _alloc0;
    private readonly Timer _timer;
    private long _peak;

    public readonly record struct Reading(double CpuUs, long AllocatedBytes, double PeakWorkingSetMb);

    private Meter()
    {
        _peak = Environment.WorkingSet;
        _timer = new Timer(_ => Sample(), null, 20, 20);
        _alloc0 = GC.GetTotalAllocatedBytes(true);
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
        var alloc = GC.GetTotalAllocatedBytes(true) - _alloc0;
        Sample();
        _timer.Dispose();
        return new Reading(cpu.TotalMicroseconds, alloc, Interlocked.Read(ref _peak) / (1024.0 * 1024.0));
    }

    public void Dispose() => _timer.Dispose();
}

public static class Stats
{
    public static double Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    public static double Median(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToList();
        if (list.Count == 0)
        {
            return double.NaN;
        }

        return list.Count % 2 == 1 ? list[list.Count / 2] : (list[list.Count / 2 - 1] + list[list.Count / 2]) / 2;
    }

    public static RunResult Latencies(List<double> micros, int expected, Meter.Reading meter, int messages)
    {
        micros.Sort();
        return new RunResult
        {
            P50 = Percentile(micros, 50),
            P99 = Percentile(micros, 99),
            Max = micros.Count > 0 ? micros[^1] : double.NaN,
            Missing = expected - micros.Count,
            CpuUsPerMsg = meter.CpuUs / messages,
            PeakWorkingSetMb = meter.PeakWorkingSetMb,
            AllocBytesPerMsg = meter.AllocatedBytes / (double)messages,
        };
    }
}

/// <summary>CPU and peak RSS of child processes: /proc/&lt;pid&gt;/stat and /proc/&lt;pid&gt;/status, getrusage for reaped children.</summary>
public static class ProcFs
{
    private static readonly double TicksPerSecond = 100.0; // sysconf(_SC_CLK_TCK) is 100 on Linux.

    /// <summary>utime + stime in microseconds, or NaN when the process is gone.</summary>
    public static double CpuUs(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) is index 12.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / TicksPerSecond * 1e6;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>VmHWM (peak resident set) in MB, or NaN.</summary>
    public static double PeakRssMb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
                }
            }
        }
        catch (IOException)
        {
        }

        return double.NaN;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UtimeSec, UtimeUsec, StimeSec, StimeUsec;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);

    /// <summary>CPU of all terminated, waited-for children (RUSAGE_CHILDREN), in microseconds.</summary>
    public static double ReapedChildrenCpuUs()
    {
        if (getrusage(-1, out var usage) != 0)
        {
            return double.NaN;
        }

        return (usage.UtimeSec + usage.StimeSec) * 1e6 + usage.UtimeUsec + usage.StimeUsec;
    }
}

/// <summary>Every child process the harness starts; all are killed on exit.</summary>
public static class Children
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<Process> Live = [];

    static Children()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    public static Process Start(ProcessStartInfo info)
    {
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        lock (Gate)
        {
            Live.Add(process);
        }

        return process;
    }

    public static void Forget(Process process)
    {
        lock (Gate)
        {
            Live.Remove(process);
        }
    }

    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }

        Forget(process);
    }

    public static void KillAll()
    {
        Process[] all;
        lock (Gate)
        {
            all = [.. Live];
        }

        foreach (var process in all)
        {
            Kill(process);
        }
    }
}
