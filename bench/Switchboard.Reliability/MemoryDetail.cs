using System.Globalization;

namespace Switchboard.Reliability;

/// <summary>
/// Where resident memory is, for reading an RSS trend: anonymous pages (GC heap, native allocations, thread stacks)
/// apart from file-backed ones (mapped assemblies and native libraries, which grow as code is first touched) and
/// shared ones (the runtime's W^X double mapping of JIT-compiled code, which grows as tiering recompiles hot
/// methods), and how much the GC has committed.
/// </summary>
public sealed record MemoryDetail(double RssAnonMiB, double RssFileMiB, double RssShmemMiB, double GcCommittedMiB)
{
    /// <summary>Reads /proc/self/status and the GC's last collection (zeros where there is no /proc).</summary>
    public static MemoryDetail Capture()
    {
        double anon = 0, file = 0, shmem = 0;
        if (File.Exists("/proc/self/status"))
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    anon = KiB(line) / 1024.0;
                }
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                {
                    file = KiB(line) / 1024.0;
                }
                else if (line.StartsWith("RssShmem:", StringComparison.Ordinal))
                {
                    shmem = KiB(line) / 1024.0;
                }
            }
        }

        return new MemoryDetail(anon, file, shmem, GC.GetGCMemoryInfo().TotalCommittedBytes / (1024.0 * 1024.0));
    }

    /// <summary>One line, e.g. <c>memory at 3.00 min: RssAnon 70.1 MiB, RssFile 30.2 MiB, RssShmem 9.0 MiB, GC committed 12.0 MiB</c>.</summary>
    public string Describe(double minute) => string.Create(
        CultureInfo.InvariantCulture,
        $"memory at {minute:0.00} min: RssAnon {RssAnonMiB:0.0} MiB, RssFile {RssFileMiB:0.0} MiB, RssShmem {RssShmemMiB:0.0} MiB, GC committed {GcCommittedMiB:0.0} MiB");

    private static long KiB(string line) =>
        long.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
}
