namespace Switchboard;

/// <summary>
/// How the publish pump, parked on an empty <see cref="OutgoingQueue"/>, is woken by a writer. A pump that has been
/// idle for a while is resumed on the writer's own thread, so a lone message goes to the socket at once instead of
/// waiting for a thread-pool wake-up (the tail of publish latency). A pump that parked moments ago is woken on the
/// thread pool instead: the writer is likely in a burst, and its next messages should gather into the pump's next
/// batch (one socket write) rather than each being written by the writer. The pump never runs user code, and every
/// await in it is asynchronous I/O, so running it on a writer's thread never blocks that writer on the network.
/// </summary>
internal sealed class ReaderWakeup
{
    private readonly TimeProvider? _time;
    private readonly long _idleTicks;
    private TaskCompletionSource? _reader;
    private long _parkedAt;
    private bool _resumedInline;

    /// <param name="time">Clock for the idle test; null wakes always on the thread pool.</param>
    /// <param name="idleBeforeInline">How long the pump must have been parked to be resumed on the writer's thread.</param>
    public ReaderWakeup(TimeProvider? time, TimeSpan idleBeforeInline)
    {
        _time = time;
        _idleTicks = time is null ? long.MaxValue : (long)(idleBeforeInline.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Parks the reader; call under the queue's lock.</summary>
    public Task Park(CancellationToken cancellationToken)
    {
        // No RunContinuationsAsynchronously: Wake decides where the pump resumes. A signal left by a cancelled wait
        // is reused, but the idle clock starts again now.
        _reader ??= new TaskCompletionSource();
        _parkedAt = _time?.GetTimestamp() ?? 0;

        return _reader.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Takes the parked reader, if any; call under the queue's lock, then <see cref="Wake"/> outside it.</summary>
    /// <param name="preferInline">Resume it on this thread even if it parked only moments ago (the writer is known
    /// not to be in a burst).</param>
    public Parked Take(bool preferInline = false)
    {
        var reader = _reader;
        _reader = null;
        return new Parked(this, reader, reader is not null && _time is not null && (preferInline || _time.GetTimestamp() - _parkedAt >= _idleTicks));
    }

    /// <summary>
    /// True once after the reader was resumed on a writer's thread: the pump then owes that writer a quick return
    /// and hands itself to the thread pool after a bounded amount of work.
    /// </summary>
    public bool TakeResumedInline()
    {
        var inline = _resumedInline;
        _resumedInline = false;
        return inline;
    }

    /// <summary>Resumes a taken reader (never call under a lock: an inline wake runs the pump here).</summary>
    public static void Wake(Parked parked)
    {
        if (parked.Reader is null)
        {
            return;
        }

        if (parked.Inline)
        {
            // Read by the pump on this same thread, synchronously inside TrySetResult.
            parked.Owner._resumedInline = true;
            parked.Reader.TrySetResult();
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static reader => reader.TrySetResult(), parked.Reader, preferLocal: false);
        }
    }

    /// <summary>A reader taken off the queue, and whether it is to resume on the waking thread.</summary>
    public readonly record struct Parked(ReaderWakeup Owner, TaskCompletionSource? Reader, bool Inline);
}
