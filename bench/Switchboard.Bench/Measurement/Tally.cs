using System.Diagnostics;

namespace Switchboard.Bench;

/// <summary>Integrity of a numbered stream [0, n): unique, duplicates, out-of-order first arrivals; completion signal.</summary>
public sealed class Tally
{
    private readonly Lock _lock = new();
    private readonly bool[] _seen;
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _highest = -1;
    private long _lastArrival;
    private int _unique;

    public Tally(int count) => _seen = new bool[count];

    public int Count => _seen.Length;
    public int Unique => Volatile.Read(ref _unique);
    public long Duplicates { get; private set; }
    public long OutOfOrder { get; private set; }
    public long LastArrival => Volatile.Read(ref _lastArrival);

    public void Record(long sequence)
    {
        lock (_lock)
        {
            Volatile.Write(ref _lastArrival, Stopwatch.GetTimestamp());
            if ((ulong)sequence >= (ulong)_seen.Length)
            {
                return;
            }

            if (_seen[sequence])
            {
                Duplicates++;
                return;
            }

            _seen[sequence] = true;
            if (sequence < _highest)
            {
                OutOfOrder++;
            }
            else
            {
                _highest = sequence;
            }

            if (++_unique == _seen.Length)
            {
                _complete.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Waits until everything arrived, or — once <paramref name="publisherDone"/> completed — until nothing new arrived
    /// for <see cref="DeliveryWait.Idle"/>, or until <see cref="DeliveryWait.Deadline"/>.
    /// </summary>
    public async Task WaitAsync(Task publisherDone, DeliveryWait wait)
    {
        var deadline = Stopwatch.StartNew();
        var lastUnique = -1;
        var idleSince = Stopwatch.StartNew();
        while (!_complete.Task.IsCompleted && deadline.Elapsed < wait.Deadline)
        {
            await Task.WhenAny(_complete.Task, Task.Delay(50));
            if (!publisherDone.IsCompleted)
            {
                idleSince.Restart();
                continue;
            }

            if (Unique != lastUnique)
            {
                lastUnique = Unique;
                idleSince.Restart();
            }
            else if (idleSince.Elapsed > wait.Idle)
            {
                break;
            }
        }
    }

    public RunResult Throughput(long startTimestamp, Meter.Reading meter) => new()
    {
        MsgPerSec = Unique / Math.Max(1e-9, (LastArrival - startTimestamp) / (double)Stopwatch.Frequency),
        Missing = Count - Unique,
        Duplicates = Duplicates,
        OutOfOrder = OutOfOrder,
        CpuUsPerMsg = meter.CpuUs / Count,
        ContextSwitchesPerMsg = meter.ContextSwitches / (double)Count,
        PeakWorkingSetMb = meter.PeakWorkingSetMb,
        AllocBytesPerMsg = meter.AllocatedBytes / (double)Count,
    };
}
