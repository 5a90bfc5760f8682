using System.Diagnostics;

namespace Switchboard.Bench;

/// <summary>Paces a publish callback at a fixed rate on a dedicated thread (sleep 1 ms, then catch up).</summary>
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
