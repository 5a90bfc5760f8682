namespace Switchboard.Bench;

/// <summary>
/// The <c>--check</c> mode: a tiny Switchboard-only run (QoS 0 and QoS 1, one repetition) that checks integrity and
/// nothing else. It does not depend on timing: at QoS 1 it waits for every message (bounded only by a generous
/// deadline), so a slow machine makes it slower, not red. Used by the harness and, in-process, by
/// tests/Switchboard.Bench.Tests. Needs Mosquitto, not Node.
/// </summary>
public static class BenchCheck
{
    public const int DefaultMessages = 2_000;

    /// <summary>Runs the check (Switchboard Post, TCP, MQTT 5) against <paramref name="url"/>, or against a private Mosquitto when it is null.</summary>
    public static async Task<CheckResult> RunAsync(string? url = null, int messages = DefaultMessages)
    {
        await using var broker = await PrivateBroker.StartUnlessAsync(url);
        url ??= broker!.Url;

        // QoS 0 may lose (only duplicates fail it), so it keeps the benchmark's idle cut-off.
        var target = BenchTarget.Tcp(url);
        var qos0 = await new SwitchboardBenchClient(SwitchboardApi.Post, DeliveryWait.Benchmark).ThroughputAsync(target, 0, messages);
        var qos1 = await new SwitchboardBenchClient(SwitchboardApi.Post, DeliveryWait.Everything).ThroughputAsync(target, 1, messages);
        return new CheckResult(
            new CheckStream(0, messages, qos0.Missing, qos0.Duplicates, qos0.OutOfOrder),
            new CheckStream(1, messages, qos1.Missing, qos1.Duplicates, qos1.OutOfOrder));
    }
}
