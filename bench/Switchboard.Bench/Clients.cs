using System.Diagnostics;

namespace Switchboard.Bench;

/// <summary>One contender. A scenario it cannot run returns <see cref="RunResult.Skip"/>.</summary>
public interface IBenchClient
{
    string Name { get; }

    Task<RunResult> ThroughputAsync(string url, int qos, int count);

    Task<RunResult> LatencyAsync(string url, int rate, int warmup, int count);

    Task<RunResult> EnvelopeAsync(string url, int count);

    Task<RunResult> PostOfflineAsync(string url, int count);
}

public static class RunIds
{
    private static int _next;

    public static string Next() => $"{Environment.ProcessId:x}-{Interlocked.Increment(ref _next)}";
}

/// <summary>Paces <paramref name="publish"/> at <paramref name="rate"/> per second on a dedicated thread (sleep 1 ms, catch up).</summary>
public static class Pacer
{
    public static Task RunAsync(int rate, int total, Action<int> publish)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var start = Stopwatch.GetTimestamp();
                var next = 0;
                while (next < total)
                {
                    var due = (int)Math.Min(total, (Stopwatch.GetTimestamp() - start) * rate / Stopwatch.Frequency + 1);
                    while (next < due)
                    {
                        publish(next++);
                    }

                    Thread.Sleep(1);
                }

                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        { IsBackground = true, Name = "bench pacer" };
        thread.Start();
        return done.Task;
    }
}

/// <summary>Latency samples recorded by a subscriber: one per message with sequence ≥ warm-up.</summary>
public sealed class LatencyRecorder(int warmup, int count)
{
    private readonly Lock _lock = new();
    private readonly List<double> _micros = new(count);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _received;

    public List<double> Samples => _micros;

    public void Record(ReadOnlySpan<byte> payload)
    {
        var micros = Payload.MicrosSince(Payload.Timestamp(payload));
        lock (_lock)
        {
            if (Payload.Sequence(payload) >= warmup)
            {
                _micros.Add(micros);
            }

            if (++_received == warmup + count)
            {
                _done.TrySetResult();
            }
        }
    }

    public Task WaitAsync(TimeSpan timeout) => Task.WhenAny(_done.Task, Task.Delay(timeout));
}
