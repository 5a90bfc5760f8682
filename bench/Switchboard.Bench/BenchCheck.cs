using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Bench;

/// <summary>Integrity of one check stream.</summary>
public sealed record CheckStream(int Qos, int Messages, long Missing, long Duplicates, long OutOfOrder);

/// <summary>The result of <see cref="BenchCheck.RunAsync"/>.</summary>
public sealed record CheckResult(CheckStream Qos0, CheckStream Qos1)
{
    /// <summary>QoS 1: nothing missing and nothing duplicated; QoS 0: nothing duplicated (loss is allowed at QoS 0).</summary>
    public bool Passed => Qos1.Missing == 0 && Qos1.Duplicates == 0 && Qos0.Duplicates == 0;

    public override string ToString() =>
        $"QoS 0: {Qos0.Messages} sent, {Qos0.Missing} missing, {Qos0.Duplicates} duplicate, {Qos0.OutOfOrder} out of order; " +
        $"QoS 1: {Qos1.Messages} sent, {Qos1.Missing} missing, {Qos1.Duplicates} duplicate, {Qos1.OutOfOrder} out of order → {(Passed ? "PASS" : "FAIL")}";
}

/// <summary>
/// The `--check` mode: a tiny Switchboard-only run (QoS 0 and QoS 1, one repetition, no timing) that checks integrity.
/// Used by the harness and, in-process, by tests/Switchboard.Bench.Tests.
/// </summary>
public static class BenchCheck
{
    public const int DefaultMessages = 2_000;

    /// <summary>Runs the check against <paramref name="url"/>, or against a private Mosquitto when it is null.</summary>
    public static async Task<CheckResult> RunAsync(string? url = null, int messages = DefaultMessages)
    {
        MosquittoBroker? broker = null;
        if (url is null)
        {
            broker = new MosquittoBroker(new BrokerOptions());
            await broker.StartAsync();
            url = broker.Url;
        }

        try
        {
            var client = new SwitchboardBenchClient();
            var qos0 = await client.ThroughputAsync(url, 0, messages);
            var qos1 = await client.ThroughputAsync(url, 1, messages);
            return new CheckResult(
                new CheckStream(0, messages, qos0.Missing, qos0.Duplicates, qos0.OutOfOrder),
                new CheckStream(1, messages, qos1.Missing, qos1.Duplicates, qos1.OutOfOrder));
        }
        finally
        {
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }
        }
    }
}
