namespace Switchboard;

/// <summary>
/// The QoS ≥ 1 publishes whose acknowledgements one read of the receive loop brought: they are collected while the
/// read's packets are handled and completed together by one thread-pool work item when the reader is about to wait
/// (<see cref="Flush"/>). One work item per read instead of one per message: a window of 100 publishes acknowledged in
/// one read wakes one pool thread, not a hundred continuations each needing one. User code (the callers'
/// continuations) runs in that work item, never on the receive loop; a continuation that blocks delays only the
/// completions after it in the same batch.
/// </summary>
internal sealed class CompletionBatch
{
    private readonly Lock _lock = new();
    private List<(OutgoingMessage Message, Exception? Error)> _pending = [];

    /// <summary>Adds a message to complete (with <paramref name="error"/>, or successfully).</summary>
    public void Add(OutgoingMessage message, Exception? error)
    {
        if (message.Completion is null)
        {
            return;
        }

        // The lock is uncontended in practice (one receive loop at a time); it guards the hand-over between the loop
        // of a connection that just died and the next one.
        lock (_lock)
        {
            _pending.Add((message, error));
        }
    }

    /// <summary>Completes everything added so far, on the thread pool.</summary>
    public void Flush()
    {
        List<(OutgoingMessage Message, Exception? Error)> batch;
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = _pending;
            _pending = new List<(OutgoingMessage, Exception?)>(Math.Min(batch.Count, 1024));
        }

        ThreadPool.UnsafeQueueUserWorkItem(static batch =>
        {
            foreach (var (message, error) in batch)
            {
                message.CompleteHere(error);
            }
        }, batch, preferLocal: false);
    }
}
