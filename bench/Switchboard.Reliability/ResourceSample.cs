using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Reliability;

/// <summary>
/// One resource row of a soak: this process's resident memory, live GC heap, threads and open handles, with the
/// traffic counted so far. Rows print as markdown table lines and parse back (<see cref="TryParse"/>), so a test or a
/// script can read a soak's output without its objects.
/// </summary>
public sealed record ResourceSample(
    double Minute,
    double RssMiB,
    double GcHeapMiB,
    int Threads,
    int Handles,
    long Sent,
    long Received,
    int Faults)
{
    /// <summary>The table header for <see cref="ToRow"/> lines (two lines: names and alignment).</summary>
    public const string Header =
        "| minute | RSS MiB | GC heap MiB | threads | handles | sent | received | faults |\n" +
        "|---:|---:|---:|---:|---:|---:|---:|---:|";

    private const double MiB = 1024 * 1024;

    /// <summary>Measures this process now.</summary>
    /// <remarks>
    /// The GC heap is read after a full blocking collection: what a sample should show is what is still reachable,
    /// not how much garbage happened to be waiting for the next collection. Once a minute, the pause is harmless.
    /// </remarks>
    public static ResourceSample Capture(TimeSpan elapsed, long sent, long received, int faults)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        var (rssKiB, threads) = ReadStatus();
        return new ResourceSample(elapsed.TotalMinutes, rssKiB / 1024.0, heap / MiB, threads, CountHandles(), sent, received, faults);
    }

    /// <summary>Parses a line printed by <see cref="ToRow"/>; false for anything else (headers, prose).</summary>
    public static bool TryParse(string line, out ResourceSample? sample)
    {
        sample = null;
        var cells = line.Trim().Trim('|').Split('|', StringSplitOptions.TrimEntries);
        var inv = CultureInfo.InvariantCulture;
        if (cells.Length != 8
            || !double.TryParse(cells[0], NumberStyles.Float, inv, out var minute)
            || !double.TryParse(cells[1], NumberStyles.Float, inv, out var rss)
            || !double.TryParse(cells[2], NumberStyles.Float, inv, out var heap)
            || !int.TryParse(cells[3], NumberStyles.Integer, inv, out var threads)
            || !int.TryParse(cells[4], NumberStyles.Integer, inv, out var handles)
            || !long.TryParse(cells[5], NumberStyles.Integer, inv, out var sent)
            || !long.TryParse(cells[6], NumberStyles.Integer, inv, out var received)
            || !int.TryParse(cells[7], NumberStyles.Integer, inv, out var faults))
        {
            return false;
        }

        sample = new ResourceSample(minute, rss, heap, threads, handles, sent, received, faults);
        return true;
    }

    /// <summary>This sample as a markdown table line.</summary>
    public string ToRow() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Minute:0.00} | {RssMiB:0.0} | {GcHeapMiB:0.00} | {Threads} | {Handles} | {Sent} | {Received} | {Faults} |");

    /// <summary>VmRSS (KiB) and Threads from /proc/self/status; the Process API where there is no /proc.</summary>
    private static (long RssKiB, int Threads) ReadStatus()
    {
        long rss = -1;
        var threads = -1;
        if (File.Exists("/proc/self/status"))
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line["VmRSS:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }
        }

        if (rss < 0 || threads < 0)
        {
            using var process = Process.GetCurrentProcess();
            rss = rss < 0 ? process.WorkingSet64 / 1024 : rss;
            threads = threads < 0 ? process.Threads.Count : threads;
        }

        return (rss, threads);
    }

    /// <summary>Open file descriptors (sockets, pipes, files) from /proc/self/fd; -1 where there is no /proc.</summary>
    /// <remarks>The listing itself holds one descriptor while it runs, the same one in every sample.</remarks>
    private static int CountHandles() =>
        Directory.Exists("/proc/self/fd") ? Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() : -1;
}
