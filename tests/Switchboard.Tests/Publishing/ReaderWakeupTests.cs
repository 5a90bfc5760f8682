using System.Runtime.CompilerServices;
using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Tests.Publishing;

/// <summary>Where a parked publish pump resumes: on the writer's thread after a long idle, on the thread pool in a burst.</summary>
public sealed class ReaderWakeupTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static OutgoingMessage Msg(string topic) => new(topic, new byte[] { 1 }, Qos.AtLeastOnce, retain: false, awaited: false);

    /// <summary>Parks a reader; the returned task tells whether it resumed inside <see cref="OutgoingQueue.TryEnqueue"/>.</summary>
    private static Task<bool> ParkReader(OutgoingQueue queue, StrongBox<bool> enqueuing)
    {
        var caller = Environment.CurrentManagedThreadId;
        return queue.WaitToReadAsync(CancellationToken.None)
            .ContinueWith(_ => enqueuing.Value && Environment.CurrentManagedThreadId == caller, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static bool Enqueue(OutgoingQueue queue, StrongBox<bool> enqueuing)
    {
        enqueuing.Value = true;
        try
        {
            return queue.TryEnqueue(Msg("a"));
        }
        finally
        {
            enqueuing.Value = false;
        }
    }

    [Fact]
    public async Task A_reader_idle_for_long_resumes_on_the_writers_thread_before_the_write_returns()
    {
        var time = new FakeTimeProvider();
        var queue = new OutgoingQueue(10, OverflowPolicy.Wait, _ => { }, outbox: null, time);
        var enqueuing = new StrongBox<bool>();
        var resumedInline = ParkReader(queue, enqueuing);
        time.Advance(TimeSpan.FromMilliseconds(5));

        Assert.True(Enqueue(queue, enqueuing));

        Assert.True(resumedInline.IsCompleted, "the reader ran before TryEnqueue returned");
        Assert.True(await resumedInline);

        // The pump learns it runs on a writer's thread (so it bounds its work there), once.
        Assert.True(queue.TakeResumedInline());
        Assert.False(queue.TakeResumedInline());
    }

    [Fact]
    public async Task A_reader_that_parked_moments_ago_resumes_on_the_thread_pool()
    {
        var time = new FakeTimeProvider();
        var queue = new OutgoingQueue(10, OverflowPolicy.Wait, _ => { }, outbox: null, time);
        var enqueuing = new StrongBox<bool>();
        var resumedInline = ParkReader(queue, enqueuing);
        time.Advance(TimeSpan.FromMicroseconds(50));

        Assert.True(Enqueue(queue, enqueuing));

        Assert.False(await resumedInline.WaitAsync(Timeout));
        Assert.False(queue.TakeResumedInline());
    }

    [Theory]
    [InlineData(Qos.AtMostOnce, false, true)]
    [InlineData(Qos.AtLeastOnce, false, true)]
    [InlineData(Qos.AtLeastOnce, true, false)]
    public async Task An_awaited_publish_resumes_a_reader_that_parked_moments_ago_on_its_thread_unless_messages_are_in_flight(Qos qos, bool inFlight, bool inline)
    {
        // A caller awaiting each publish is not in a burst: its message goes out on its thread with no hop. With QoS
        // >= 1 messages in flight it may be keeping a window, and its messages should gather into the pump's batches.
        var time = new FakeTimeProvider();
        var queue = new OutgoingQueue(10, OverflowPolicy.Wait, _ => { }, outbox: null, time) { NothingInFlight = () => !inFlight };
        var enqueuing = new StrongBox<bool>(true);
        var resumedInline = ParkReader(queue, enqueuing);
        time.Advance(TimeSpan.FromMicroseconds(50));

        Assert.True(await queue.EnqueueAsync(new OutgoingMessage("a", new byte[] { 1 }, qos, retain: false, awaited: true), CancellationToken.None));
        enqueuing.Value = false;

        Assert.Equal(inline, await resumedInline.WaitAsync(Timeout));
        Assert.Equal(inline, queue.TakeResumedInline());
    }

    [Fact]
    public async Task Without_a_clock_the_reader_always_resumes_on_the_thread_pool()
    {
        var queue = new OutgoingQueue(10, OverflowPolicy.Wait, _ => { });
        var enqueuing = new StrongBox<bool>();
        var resumedInline = ParkReader(queue, enqueuing);

        Assert.True(Enqueue(queue, enqueuing));

        Assert.False(await resumedInline.WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_park_after_a_cancelled_one_starts_the_idle_clock_again()
    {
        var time = new FakeTimeProvider();
        var queue = new OutgoingQueue(10, OverflowPolicy.Wait, _ => { }, outbox: null, time);
        using (var cts = new CancellationTokenSource())
        {
            var first = queue.WaitToReadAsync(cts.Token);
            time.Advance(TimeSpan.FromMilliseconds(5));
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        }

        // Parked again just now: a write at once is part of a burst, so the pump resumes on the pool.
        var enqueuing = new StrongBox<bool>();
        var resumedInline = ParkReader(queue, enqueuing);
        Assert.True(Enqueue(queue, enqueuing));
        Assert.False(await resumedInline.WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_cancelled_park_does_not_lose_the_next_wake()
    {
        var time = new FakeTimeProvider();
        var queue = new OutgoingQueue(10, OverflowPolicy.Wait, _ => { }, outbox: null, time);
        using (var cts = new CancellationTokenSource())
        {
            var first = queue.WaitToReadAsync(cts.Token);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        }

        var second = queue.WaitToReadAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.True(queue.TryEnqueue(Msg("a")));
        await second.WaitAsync(Timeout);
        Assert.True(queue.TryDequeue(out var message));
        Assert.Equal("a", message.Topic);
    }
}
