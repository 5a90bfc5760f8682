namespace Switchboard;

/// <summary>What the outgoing queue does when it is full. Every drop is counted in <see cref="SwitchboardStats.Dropped"/>.</summary>
public enum OverflowPolicy
{
    /// <summary>Evict the oldest queued message (its <c>PublishAsync</c> fails with <see cref="MessageDroppedException"/>) to make room.</summary>
    DropOldest,

    /// <summary>Refuse the new message: <c>Post</c> returns false, <c>PublishAsync</c> throws <see cref="MessageDroppedException"/>.</summary>
    DropNewest,

    /// <summary>
    /// <c>PublishAsync</c> waits for room; waiting calls are accepted strictly in arrival order, each in the same step
    /// that frees its slot, so nothing published or posted later overtakes them. <c>Post</c>, which never blocks,
    /// refuses the message (returns false, counted) when the queue is full or while any <c>PublishAsync</c> waits.
    /// </summary>
    Wait,
}
