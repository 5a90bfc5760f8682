namespace Switchboard.Reliability;

/// <summary>One row of the reliability report.</summary>
public sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    public long Accepted { get; init; }

    public long Delivered { get; init; }

    public long Lost { get; init; }

    /// <summary>Of <see cref="Lost"/>: messages the broker had acknowledged (PUBACK) and then lost in a crash.</summary>
    public long LostByBroker { get; init; }

    /// <summary>Messages lost while they were the client's responsibility (accepted, not yet acknowledged by the broker).</summary>
    public long LostByClient => Lost - LostByBroker;

    /// <summary>Handler invocations beyond the first per message.</summary>
    public long Duplicates { get; init; }

    public long Reorderings { get; init; }

    public long Reconnects { get; init; }

    /// <summary>Worst time from a fault to the next message delivered (or to the fault being detected, for stalls).</summary>
    public TimeSpan MaxRecovery { get; init; }

    public TimeSpan Duration { get; init; }

    public string Notes { get; init; } = string.Empty;

    /// <summary>Slow-handler scenario: the most messages ever waiting in the client's incoming queue.</summary>
    public int PeakIncomingQueue { get; init; }

    /// <summary>Slow-handler scenario: the most messages ever received from the broker but not yet handled.</summary>
    public long PeakUnhandled { get; init; }
}
