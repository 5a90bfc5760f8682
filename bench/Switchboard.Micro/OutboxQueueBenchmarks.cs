using BenchmarkDotNet.Attributes;

namespace Switchboard.Micro;

/// <summary>OutgoingQueue (the outbox behind Post/PublishAsync): enqueue + dequeue of Post-style messages.</summary>
[MemoryDiagnoser]
public class OutboxQueueBenchmarks
{
    private const int Batch = 100;
    private readonly byte[] _payload = new byte[64];
    private OutgoingQueue _queue = null!;

    [GlobalSetup]
    public void Setup() => _queue = new OutgoingQueue(10_000, OverflowPolicy.Wait, static _ => { });

    /// <summary>One message in, one out (the steady state of a connected client); includes the OutgoingMessage allocation.</summary>
    [Benchmark]
    public bool EnqueueDequeueOne()
    {
        _queue.TryEnqueue(new OutgoingMessage("sensors/t1", _payload, Qos.AtLeastOnce, retain: false, awaited: false));
        return _queue.TryDequeue(out _);
    }

    /// <summary>100 in, then 100 out (a burst while the pump is busy); reported per message.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int EnqueueDequeueBurst()
    {
        for (var i = 0; i < Batch; i++)
        {
            _queue.TryEnqueue(new OutgoingMessage("sensors/t1", _payload, Qos.AtLeastOnce, retain: false, awaited: false));
        }

        var n = 0;
        while (_queue.TryDequeue(out _))
        {
            n++;
        }

        return n;
    }
}
