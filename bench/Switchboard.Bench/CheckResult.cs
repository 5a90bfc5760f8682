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
