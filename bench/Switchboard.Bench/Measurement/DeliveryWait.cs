namespace Switchboard.Bench;

/// <summary>How long a throughput run waits for the last deliveries after the publisher is done.</summary>
/// <param name="Idle">Stop when nothing new arrived for this long (the rest counts as missing).</param>
/// <param name="Deadline">Stop after this long whatever happens.</param>
public sealed record DeliveryWait(TimeSpan Idle, TimeSpan Deadline)
{
    /// <summary>Benchmark runs: 2 s without progress ends the run, so a lost message costs 2 s, not the deadline.</summary>
    public static readonly DeliveryWait Benchmark = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(120));

    /// <summary>Integrity check: wait for every message (no idle cut-off), bounded only by a generous deadline.</summary>
    public static readonly DeliveryWait Everything = new(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(90));
}
