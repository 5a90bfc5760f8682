using System.Globalization;

namespace Switchboard.Bench;

/// <summary>Peak resident set (VmHWM) of a live child process from /proc/&lt;pid&gt;/status.</summary>
public static class PeakRss
{
    /// <summary>VmHWM in MB, or NaN when the process is gone.</summary>
    public static double Of(int pid)
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
}
