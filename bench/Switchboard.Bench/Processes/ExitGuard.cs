using System.Runtime.InteropServices;

namespace Switchboard.Bench;

/// <summary>
/// Runs cleanups (kill child processes, stop the private broker) however the harness ends: normal exit, an exception
/// (the callers' finally blocks), Ctrl+C (SIGINT), SIGTERM, SIGHUP or SIGQUIT. Since .NET 10 the runtime no longer
/// raises ProcessExit on SIGTERM (and it never did on SIGINT), so a ProcessExit hook alone would orphan the broker;
/// the signal handlers run the cleanups and then let the signal's default action end the process.
/// </summary>
public static class ExitGuard
{
    private static readonly Lock Gate = new();
    private static readonly List<Action> Cleanups = [];
    private static readonly List<PosixSignalRegistration> Signals = [];

    /// <summary>Adds a cleanup; disposing the result removes it (when the resource was released normally).</summary>
    public static IDisposable Register(Action cleanup)
    {
        lock (Gate)
        {
            InstallHooks();
            Cleanups.Add(cleanup);
        }

        return new Registration(cleanup);
    }

    private static void InstallHooks()
    {
        if (Signals.Count > 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAll();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            // Not cancelled: after the cleanups the signal's default action terminates the process.
            Signals.Add(PosixSignalRegistration.Create(signal, _ => RunAll()));
        }
    }

    private static void RunAll()
    {
        Action[] all;
        lock (Gate)
        {
            all = [.. Cleanups];
            Cleanups.Clear();
        }

        foreach (var cleanup in all)
        {
            try
            {
                cleanup();
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"cleanup failed: {ex.Message}");
            }
        }
    }

    private sealed class Registration(Action cleanup) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate)
            {
                Cleanups.Remove(cleanup);
            }
        }
    }
}
