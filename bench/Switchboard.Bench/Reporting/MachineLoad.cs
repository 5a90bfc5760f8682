namespace Switchboard.Bench;

/// <summary>The 1-minute load average (/proc/loadavg): figures from a busy machine are not comparable to a quiet one's.</summary>
public static class MachineLoad
{
    public static string OneMinute()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
