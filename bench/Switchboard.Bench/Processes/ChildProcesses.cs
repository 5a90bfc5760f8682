using System.Diagnostics;

namespace Switchboard.Bench;

/// <summary>
/// Every child process the harness starts (Node peers, npm, mosquitto_pub/sub); all are killed on exit — normal exit,
/// exception (the harness's finally), Ctrl+C, SIGTERM (through <see cref="ExitGuard"/>).
/// </summary>
public static class ChildProcesses
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<Process> Live = [];

    static ChildProcesses() => ExitGuard.Register(KillAll);

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
