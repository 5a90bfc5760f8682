namespace Switchboard.Bench;

/// <summary>Unique ids for client ids and topics, so no run sees another run's messages.</summary>
public static class RunIds
{
    private static int _next;

    public static string Next() => $"{Environment.ProcessId:x}-{Interlocked.Increment(ref _next)}";
}
