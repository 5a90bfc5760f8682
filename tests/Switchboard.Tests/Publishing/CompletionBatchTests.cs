namespace Switchboard.Tests.Publishing;

/// <summary>Acknowledged QoS ≥ 1 publishes complete together, on the thread pool, when the receive loop is about to wait.</summary>
public sealed class CompletionBatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static OutgoingMessage Awaited(Qos qos = Qos.AtLeastOnce) => new("a/b", new byte[] { 1 }, qos, retain: false, awaited: true);

    [Fact]
    public async Task Nothing_completes_before_the_flush_and_everything_after_it_off_the_flushing_thread()
    {
        var batch = new CompletionBatch();
        var ok = Awaited();
        var refused = Awaited(Qos.ExactlyOnce);
        var error = new MqttPublishException("refused", "a/b", 0x87);
        batch.Add(ok, null);
        batch.Add(refused, error);
        Assert.False(ok.Completion!.Task.IsCompleted);
        Assert.False(refused.Completion!.Task.IsCompleted);

        // A continuation that would run inside Flush (on the receive loop) if the flush completed inline.
        // Thread-local, so a pool thread (even this one, later) reads false; only a run inside Flush reads true.
        using var flushing = new ThreadLocal<bool>();
        var ranInside = ok.Completion.Task.ContinueWith(_ => flushing.Value, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        flushing.Value = true;
        batch.Flush();
        flushing.Value = false;

        Assert.False(await ranInside.WaitAsync(Timeout));
        Assert.Equal(string.Empty, await ok.Completion.Task.WaitAsync(Timeout));
        Assert.Same(error, await Assert.ThrowsAsync<MqttPublishException>(() => refused.Completion.Task.WaitAsync(Timeout)));
    }

    [Fact]
    public async Task A_flush_with_nothing_added_does_nothing_and_later_additions_wait_for_the_next_one()
    {
        var batch = new CompletionBatch();
        batch.Flush();
        var first = Awaited();
        batch.Add(first, null);
        batch.Flush();
        await first.Completion!.Task.WaitAsync(Timeout);

        var second = Awaited();
        batch.Add(second, null);
        Assert.False(second.Completion!.Task.IsCompleted);
        batch.Flush();
        await second.Completion.Task.WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_qos1_message_completed_alone_still_continues_off_the_completing_thread()
    {
        // Succeed/Fail outside a batch (the pump, shutdown) queue the completion: user code never runs on the caller.
        var message = Awaited();
        using var completing = new ThreadLocal<bool>();
        var ranInside = message.Completion!.Task.ContinueWith(_ => completing.Value, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        completing.Value = true;
        message.Succeed();
        completing.Value = false;
        Assert.False(await ranInside.WaitAsync(Timeout));
    }
}
