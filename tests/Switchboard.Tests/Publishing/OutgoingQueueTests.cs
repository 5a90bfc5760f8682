namespace Switchboard.Tests.Publishing;

public sealed class OutgoingQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static OutgoingMessage Msg(string topic, bool awaited = false) => new(topic, new byte[] { 1 }, Qos.AtLeastOnce, retain: false, awaited);

    private static List<string> Drain(OutgoingQueue queue)
    {
        var topics = new List<string>();
        while (queue.TryDequeue(out var m))
        {
            topics.Add(m.Topic);
        }

        return topics;
    }

    [Fact]
    public void Dequeues_in_acceptance_order_with_increasing_sequence()
    {
        var queue = new OutgoingQueue(10, OverflowPolicy.Wait, _ => Assert.Fail("nothing should drop"));
        var messages = Enumerable.Range(0, 5).Select(i => Msg($"t{i}")).ToList();
        messages.ForEach(m => Assert.True(queue.TryEnqueue(m)));
        Assert.Equal(5, queue.Count);
        Assert.True(messages.Zip(messages.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
        Assert.Equal(["t0", "t1", "t2", "t3", "t4"], Drain(queue));
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void Drop_oldest_evicts_the_oldest_and_reports_it()
    {
        var dropped = new List<string>();
        var queue = new OutgoingQueue(2, OverflowPolicy.DropOldest, m => dropped.Add(m.Topic));
        Assert.True(queue.TryEnqueue(Msg("a")));
        Assert.True(queue.TryEnqueue(Msg("b")));
        Assert.True(queue.TryEnqueue(Msg("c")));
        Assert.Equal(["a"], dropped);
        Assert.True(queue.TryEnqueue(Msg("d")));
        Assert.Equal(["a", "b"], dropped);
        Assert.Equal(2, queue.Count);
        Assert.Equal(["c", "d"], Drain(queue));
    }

    [Fact]
    public async Task Drop_oldest_never_waits()
    {
        var dropped = 0;
        var queue = new OutgoingQueue(1, OverflowPolicy.DropOldest, _ => dropped++);
        Assert.True(queue.TryEnqueue(Msg("a")));
        Assert.True(await queue.EnqueueAsync(Msg("b"), CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.Equal(1, dropped);
        Assert.Equal(["b"], Drain(queue));
    }

    [Fact]
    public async Task Drop_newest_refuses_the_new_message()
    {
        var queue = new OutgoingQueue(2, OverflowPolicy.DropNewest, _ => Assert.Fail("drop-newest refuses; it evicts nothing"));
        Assert.True(queue.TryEnqueue(Msg("a")));
        Assert.True(queue.TryEnqueue(Msg("b")));
        Assert.False(queue.TryEnqueue(Msg("c")));
        Assert.False(await queue.EnqueueAsync(Msg("d"), CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.Equal(["a", "b"], Drain(queue));
        Assert.True(queue.TryEnqueue(Msg("e")));
    }

    [Fact]
    public void Wait_mode_TryEnqueue_refuses_when_full()
    {
        var queue = new OutgoingQueue(1, OverflowPolicy.Wait, _ => Assert.Fail("wait mode drops nothing"));
        Assert.True(queue.TryEnqueue(Msg("a")));
        Assert.False(queue.TryEnqueue(Msg("b")));
        Assert.Equal(["a"], Drain(queue));
    }

    [Fact]
    public async Task Wait_mode_EnqueueAsync_waits_for_room()
    {
        var queue = new OutgoingQueue(1, OverflowPolicy.Wait, _ => Assert.Fail("wait mode drops nothing"));
        Assert.True(await queue.EnqueueAsync(Msg("a"), CancellationToken.None).AsTask().WaitAsync(Timeout));

        var pending = queue.EnqueueAsync(Msg("b"), CancellationToken.None).AsTask();
        Assert.False(pending.IsCompleted);
        Assert.Equal(1, queue.Count);

        Assert.True(queue.TryDequeue(out var first));
        Assert.Equal("a", first.Topic);
        Assert.True(await pending.WaitAsync(Timeout));
        Assert.Equal(["b"], Drain(queue));
    }

    [Fact]
    public async Task Wait_mode_writers_are_released_one_per_free_slot()
    {
        var queue = new OutgoingQueue(1, OverflowPolicy.Wait, _ => Assert.Fail("wait mode drops nothing"));
        Assert.True(queue.TryEnqueue(Msg("a")));
        var b = queue.EnqueueAsync(Msg("b"), CancellationToken.None).AsTask();
        var c = queue.EnqueueAsync(Msg("c"), CancellationToken.None).AsTask();

        Assert.True(queue.TryDequeue(out _));
        var first = await Task.WhenAny(b, c).WaitAsync(Timeout);
        Assert.True(await first);
        var second = first == b ? c : b;
        Assert.False(second.IsCompleted);
        Assert.Equal(1, queue.Count);

        Assert.True(queue.TryDequeue(out _));
        Assert.True(await second.WaitAsync(Timeout));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task Wait_mode_EnqueueAsync_honours_cancellation()
    {
        var queue = new OutgoingQueue(1, OverflowPolicy.Wait, _ => { });
        Assert.True(queue.TryEnqueue(Msg("a")));
        using var cts = new CancellationTokenSource();
        var pending = queue.EnqueueAsync(Msg("b"), cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Timeout));
        Assert.Equal(["a"], Drain(queue));
    }

    [Fact]
    public async Task A_cancelled_writer_does_not_swallow_the_wake_up_of_a_live_one()
    {
        var queue = new OutgoingQueue(1, OverflowPolicy.Wait, _ => { });
        Assert.True(queue.TryEnqueue(Msg("a")));
        using var cts = new CancellationTokenSource();
        var cancelled = queue.EnqueueAsync(Msg("cancelled"), cts.Token).AsTask();
        var live = queue.EnqueueAsync(Msg("live"), CancellationToken.None).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Timeout));

        // One slot frees up; the live writer must get it, or it waits on an empty queue forever.
        Assert.True(queue.TryDequeue(out _));
        Assert.True(await live.WaitAsync(Timeout));
        Assert.Equal(["live"], Drain(queue));
    }

    [Fact]
    public async Task Wait_mode_EnqueueAsync_never_refuses_while_Post_competes_for_room()
    {
        // Post (TryEnqueue) may take the free slot between EnqueueAsync's check and its enqueue; the awaiting
        // writer must then wait again, never report a drop. A stress test: it cannot force that interleaving.
        const int writers = 2, posters = 2, perWriter = 1000;
        var queue = new OutgoingQueue(1, OverflowPolicy.Wait, _ => Assert.Fail("wait mode drops nothing"));
        var total = (writers + posters) * perWriter;
        var received = 0;
        var consumer = Task.Run(async () =>
        {
            while (received < total)
            {
                await queue.WaitToReadAsync(CancellationToken.None);
                while (queue.TryDequeue(out _))
                {
                    received++;
                }
            }
        });

        var posting = Enumerable.Range(0, posters).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                while (!queue.TryEnqueue(Msg("post")))
                {
                    await Task.Yield(); // retry without holding a pool thread, so two cores suffice
                }
            }
        }));

        var writing = Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            var refused = 0;
            for (var i = 0; i < perWriter; i++)
            {
                if (!await queue.EnqueueAsync(Msg("write"), CancellationToken.None))
                {
                    refused++;
                }
            }

            return refused;
        })).ToArray();

        await Task.WhenAll(posting).WaitAsync(Timeout);
        var refusals = await Task.WhenAll(writing).WaitAsync(Timeout);
        Assert.All(refusals, r => Assert.Equal(0, r));
        await consumer.WaitAsync(Timeout);
        Assert.Equal(total, received);
    }

    [Fact]
    public async Task Wait_mode_never_refuses_under_contention()
    {
        const int writers = 8, perWriter = 500;
        var queue = new OutgoingQueue(2, OverflowPolicy.Wait, _ => Assert.Fail("wait mode drops nothing"));
        using var stop = new CancellationTokenSource();
        var received = new List<string>();
        var consumer = Task.Run(async () =>
        {
            while (received.Count < writers * perWriter)
            {
                await queue.WaitToReadAsync(stop.Token);
                while (queue.TryDequeue(out var m))
                {
                    received.Add(m.Topic);
                }
            }
        });

        var producers = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var refused = 0;
            for (var i = 0; i < perWriter; i++)
            {
                if (!await queue.EnqueueAsync(Msg($"{w}/{i}"), CancellationToken.None))
                {
                    refused++;
                }
            }

            return refused;
        })).ToArray();

        var refusals = await Task.WhenAll(producers).WaitAsync(Timeout);
        await consumer.WaitAsync(Timeout);
        Assert.All(refusals, r => Assert.Equal(0, r));
        Assert.Equal(writers * perWriter, received.Count);
        for (var w = 0; w < writers; w++)
        {
            // Each writer's messages arrive in its own order.
            var mine = received.Where(t => t.StartsWith($"{w}/", StringComparison.Ordinal)).Select(t => int.Parse(t[(t.IndexOf('/', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(0, perWriter), mine);
        }
    }

    [Fact]
    public async Task WaitToReadAsync_completes_when_something_arrives()
    {
        var queue = new OutgoingQueue(4, OverflowPolicy.Wait, _ => { });
        var waiting = queue.WaitToReadAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        queue.TryEnqueue(Msg("a"));
        await waiting.WaitAsync(Timeout);
        Assert.True(queue.WaitToReadAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task WaitToReadAsync_is_woken_by_Requeue()
    {
        var queue = new OutgoingQueue(4, OverflowPolicy.Wait, _ => { });
        var m = Msg("a");
        queue.TryEnqueue(m);
        Assert.True(queue.TryDequeue(out _));
        var waiting = queue.WaitToReadAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        queue.Requeue([m]);
        await waiting.WaitAsync(Timeout);
    }

    [Fact]
    public void Requeue_puts_messages_back_in_front_in_sequence_order()
    {
        var queue = new OutgoingQueue(10, OverflowPolicy.Wait, _ => { });
        var m1 = Msg("m1");
        var m2 = Msg("m2");
        var m3 = Msg("m3");
        foreach (var m in new[] { m1, m2, m3 })
        {
            queue.TryEnqueue(m);
        }

        // The pump took all three; the connection dropped before they were acknowledged.
        Assert.Equal(["m1", "m2", "m3"], Drain(queue));
        queue.TryEnqueue(Msg("n1"));
        queue.TryEnqueue(Msg("n2"));

        queue.Requeue([m3, m1, m2]); // in any order
        Assert.Equal(["m1", "m2", "m3", "n1", "n2"], Drain(queue));
    }

    [Fact]
    public void Requeue_interleaves_with_older_messages_still_queued()
    {
        var queue = new OutgoingQueue(10, OverflowPolicy.Wait, _ => { });
        var all = Enumerable.Range(1, 5).Select(i => Msg($"m{i}")).ToList();
        all.ForEach(m => queue.TryEnqueue(m));
        Assert.True(queue.TryDequeue(out var first));
        Assert.True(queue.TryDequeue(out var second));
        Assert.True(queue.TryDequeue(out var third));
        queue.TryEnqueue(Msg("new"));

        queue.Requeue([second]);
        queue.Requeue([third, first]);
        Assert.Equal(["m1", "m2", "m3", "m4", "m5", "new"], Drain(queue));
    }

    [Fact]
    public void Requeue_ignores_capacity()
    {
        var queue = new OutgoingQueue(2, OverflowPolicy.DropNewest, _ => Assert.Fail("requeued messages were already accepted"));
        var a = Msg("a");
        var b = Msg("b");
        queue.TryEnqueue(a);
        queue.TryEnqueue(b);
        Drain(queue);
        queue.TryEnqueue(Msg("c"));
        queue.TryEnqueue(Msg("d"));
        queue.Requeue([a, b]);
        Assert.Equal(4, queue.Count);
        Assert.Equal(["a", "b", "c", "d"], Drain(queue));
    }

    [Fact]
    public void EnqueueUrgent_goes_first_regardless_of_capacity()
    {
        var queue = new OutgoingQueue(1, OverflowPolicy.DropNewest, _ => { });
        queue.TryEnqueue(Msg("a"));
        queue.EnqueueUrgent(Msg("health"));
        Assert.Equal(["health", "a"], Drain(queue));
    }

    [Fact]
    public async Task Close_returns_everything_and_later_enqueues_throw()
    {
        var queue = new OutgoingQueue(2, OverflowPolicy.Wait, _ => Assert.Fail("closing drops nothing silently"));
        queue.TryEnqueue(Msg("a"));
        queue.TryEnqueue(Msg("b"));
        var waiting = queue.EnqueueAsync(Msg("c"), CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        var remaining = queue.Close(() => new ObjectDisposedException("x"));
        Assert.Equal(["a", "b"], remaining.Select(m => m.Topic));
        Assert.Equal(0, queue.Count);

        // The writer that was waiting learns the queue is closed instead of hanging.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Timeout));
        Assert.Throws<ObjectDisposedException>(() => queue.TryEnqueue(Msg("d")));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queue.EnqueueAsync(Msg("e"), CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.Throws<ObjectDisposedException>(() => queue.EnqueueUrgent(Msg("f")));
        Assert.Empty(queue.Close(() => new InvalidOperationException()));
        Assert.Throws<ObjectDisposedException>(() => queue.TryEnqueue(Msg("g")));
    }

    [Fact]
    public void Close_creates_a_fresh_exception_per_refusal()
    {
        var queue = new OutgoingQueue(2, OverflowPolicy.Wait, _ => { });
        queue.Close(() => new ObjectDisposedException("x"));
        var first = Assert.Throws<ObjectDisposedException>(() => queue.TryEnqueue(Msg("a")));
        var second = Assert.Throws<ObjectDisposedException>(() => queue.TryEnqueue(Msg("b")));
        Assert.NotSame(first, second);
    }

    [Fact]
    public async Task A_slot_freed_for_a_waiting_writer_cannot_be_taken_by_Post()
    {
        var queue = new OutgoingQueue(1, OverflowPolicy.Wait, _ => Assert.Fail("wait mode drops nothing"));
        Assert.True(queue.TryEnqueue(Msg("a")));
        var waiting = queue.EnqueueAsync(Msg("waiting"), CancellationToken.None).AsTask();

        Assert.True(queue.TryDequeue(out _));
        // The freed slot is the waiting writer's, even before it has resumed to use it.
        Assert.False(queue.TryEnqueue(Msg("post")));

        Assert.True(await waiting.WaitAsync(Timeout));
        Assert.Equal(["waiting"], Drain(queue));
        Assert.True(queue.TryEnqueue(Msg("post")));
    }

    [Fact]
    public async Task A_freed_slot_is_filled_with_the_waiting_message_before_anyone_else_can_enqueue()
    {
        var queue = new OutgoingQueue(2, OverflowPolicy.Wait, _ => Assert.Fail("wait mode drops nothing"));
        Assert.True(queue.TryEnqueue(Msg("a")));
        Assert.True(queue.TryEnqueue(Msg("b")));
        var waiting = queue.EnqueueAsync(Msg("waiting"), CancellationToken.None).AsTask();

        // The slot is filled in the same step that frees it, not merely promised to a writer that has yet to resume.
        Assert.True(queue.TryDequeue(out _));
        Assert.Equal(2, queue.Count);

        // A second free slot, before the waiting writer has even been told: a newcomer still goes behind it.
        Assert.True(queue.TryDequeue(out _));
        var newer = queue.EnqueueAsync(Msg("newer"), CancellationToken.None).AsTask();
        Assert.True(await waiting.WaitAsync(Timeout));
        Assert.True(await newer.WaitAsync(Timeout));
        Assert.Equal(["waiting", "newer"], Drain(queue));
    }

    [Fact]
    public async Task Writers_are_served_in_the_order_they_started_waiting_even_against_newcomers()
    {
        var queue = new OutgoingQueue(1, OverflowPolicy.Wait, _ => Assert.Fail("wait mode drops nothing"));
        Assert.True(queue.TryEnqueue(Msg("a")));
        var first = queue.EnqueueAsync(Msg("first"), CancellationToken.None).AsTask();
        var second = queue.EnqueueAsync(Msg("second"), CancellationToken.None).AsTask();

        Assert.True(queue.TryDequeue(out _));
        // A writer arriving after the slot was handed out queues behind both.
        var third = queue.EnqueueAsync(Msg("third"), CancellationToken.None).AsTask();
        Assert.True(await first.WaitAsync(Timeout));
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        var order = new List<string>();
        while (order.Count < 3)
        {
            Assert.True(queue.TryDequeue(out var message));
            order.Add(message.Topic);
            if (order.Count == 1)
            {
                Assert.True(await second.WaitAsync(Timeout));
                Assert.False(third.IsCompleted);
            }
            else if (order.Count == 2)
            {
                Assert.True(await third.WaitAsync(Timeout));
            }
        }

        Assert.Equal(["first", "second", "third"], order);
    }

    [Fact]
    public async Task Cancelled_writers_among_live_ones_never_take_a_slot_from_them()
    {
        var queue = new OutgoingQueue(1, OverflowPolicy.Wait, _ => { });
        Assert.True(queue.TryEnqueue(Msg("a")));
        var waiters = Enumerable.Range(0, 20).Select(i => (Cts: new CancellationTokenSource(), Topic: $"w{i}")).ToList();
        var tasks = waiters.Select(w => queue.EnqueueAsync(Msg(w.Topic), w.Cts.Token).AsTask()).ToList();

        // Every other writer gives up; each slot freed afterwards must go to a live writer, in order, never be lost.
        foreach (var (cts, _) in waiters.Where((_, i) => i % 2 == 0))
        {
            await cts.CancelAsync();
        }

        foreach (var cancelled in tasks.Where((_, i) => i % 2 == 0))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Timeout));
        }

        Assert.True(queue.TryDequeue(out _));

        var live = tasks.Where((_, i) => i % 2 == 1).ToList();
        for (var round = 0; round < 10; round++)
        {
            // Each freed slot lets exactly one live writer in.
            var admitted = await Task.WhenAny(live).WaitAsync(Timeout);
            Assert.Same(live[0], admitted);
            Assert.True(await admitted);
            live.Remove(admitted);
            Assert.Equal(1, queue.Count);
            Assert.True(queue.TryDequeue(out var message));
            Assert.Equal($"w{(2 * round) + 1}", message.Topic);
        }

        Assert.Empty(live);
        waiters.ForEach(w => w.Cts.Dispose());
    }
}
