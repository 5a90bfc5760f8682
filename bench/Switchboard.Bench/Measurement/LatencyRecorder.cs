namespace Switchboard.Bench;

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
