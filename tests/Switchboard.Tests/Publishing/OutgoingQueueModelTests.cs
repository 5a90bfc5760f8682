using CsCheck;

namespace Switchboard.Tests.Publishing;

/// <summary>
/// Randomized, model-based checks of the outgoing queue under the wait policy: several producers race
/// <c>EnqueueAsync</c> (PublishAsync) and <c>TryEnqueue</c> (Post) into a tiny queue that a consumer drains at its own
/// pace, with cancellations, and what the consumer sees is compared with what each producer was told.
/// </summary>
public sealed class OutgoingQueueModelTests
{
    // Generous per scenario: a scenario takes milliseconds, so only a lost wake-up (a hang) comes near it.
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(5);

    private static readonly Gen<Op> GenOp = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 2], Gen.Bool, Gen.Int[0, 3], Gen.Int[-4, 3], static (kind, topic, wait, yields, cancel) =>
        new Op(Post: kind < 3, Topic: topic, Await: wait, Yields: yields, CancelAfter: cancel < 0 ? -1 : cancel));

    private static readonly Gen<Scenario> GenScenario = Gen.Select(Gen.Int[1, 4], GenOp.Array[1, 25].Array[2, 5], Gen.Int[0, 3].Array[1, 16], static (capacity, producers, pauses) =>
        new Scenario(capacity, producers, pauses));

    [Fact]
    public Task Waiting_writers_are_never_overtaken_and_every_accepted_message_arrives_once() =>
        GenScenario.SampleAsync(static scenario => RunAsync(scenario).WaitAsync(ScenarioTimeout), iter: 400, threads: 1, print: static s => s.ToString());

    private static async Task RunAsync(Scenario scenario)
    {
        var queue = new OutgoingQueue(scenario.Capacity, OverflowPolicy.Wait, static _ => throw new InvalidOperationException("the wait policy drops nothing"));
        var seen = new List<OutgoingMessage>();
        using var producersDone = new CancellationTokenSource();
        var consumer = Task.Run(() => ConsumeAsync(queue, scenario.ConsumerPauses, seen, producersDone.Token));
        var producers = scenario.Producers.Select((ops, p) => Task.Run(() => ProduceAsync(queue, p, ops))).ToArray();
        var records = (await Task.WhenAll(producers)).SelectMany(r => r).ToList();
        await producersDone.CancelAsync();
        await consumer;

        var byMessage = records.ToDictionary<Record, object>(r => r.Message, ReferenceEqualityComparer.Instance);
        Assert.All(records, r => Assert.NotNull(r.Accepted));

        // Exactly the accepted messages arrive, each once, and every awaited one is completed.
        Assert.Equal(seen.Count, seen.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.All(seen, m => Assert.True(byMessage[m].Accepted, $"{Describe(byMessage[m])} arrived but its producer was told it was not accepted"));
        Assert.Equal(records.Count(r => r.Accepted == true), seen.Count);
        // A QoS >= 1 completion is delivered on the thread pool, never on the completing thread: wait for them.
        var awaited = records.Where(r => r.Accepted == true && r.Message.Completion is not null).Select(r => r.Message.Completion!.Task).ToList();
        await Task.WhenAll(awaited).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(awaited, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(0, queue.Count);

        // Per topic the consumer sees acceptance order; per producer (hence per topic) the order its calls were made in:
        // a waiting call is overtaken neither by a later Post nor by a later call.
        foreach (var topic in seen.GroupBy(m => m.Topic))
        {
            var sequences = topic.Select(m => m.Sequence).ToList();
            Assert.Equal(sequences.Order(), sequences);
        }

        foreach (var producer in seen.Select(m => byMessage[m]).GroupBy(r => r.Producer))
        {
            var calls = producer.Select(r => r.Call).ToList();
            Assert.True(calls.Order().SequenceEqual(calls), $"producer {producer.Key}'s calls arrived as [{string.Join(", ", producer.Select(Describe))}]");
        }
    }

    private static async Task ConsumeAsync(OutgoingQueue queue, int[] pauses, List<OutgoingMessage> seen, CancellationToken producersDone)
    {
        var next = 0;
        while (true)
        {
            if (queue.TryDequeue(out var message))
            {
                seen.Add(message);
                message.Succeed();
                for (var i = pauses[next++ % pauses.Length]; i > 0; i--)
                {
                    await Task.Yield();
                }

                continue;
            }

            if (producersDone.IsCancellationRequested)
            {
                // Every producer has returned, so nothing more is coming: take what is left.
                while (queue.TryDequeue(out message))
                {
                    seen.Add(message);
                    message.Succeed();
                }

                return;
            }

            try
            {
                await queue.WaitToReadAsync(producersDone).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task<List<Record>> ProduceAsync(OutgoingQueue queue, int producer, Op[] ops)
    {
        var records = new List<Record>();
        var cancels = new List<(int At, CancellationTokenSource Source)>();
        var pending = new List<(Record Record, Task<bool> Accepting)>();
        for (var call = 0; call < ops.Length; call++)
        {
            var op = ops[call];
            var message = new OutgoingMessage($"t{op.Topic}", new byte[] { 1 }, Qos.AtLeastOnce, retain: false, awaited: !op.Post);
            var record = new Record(producer, call, op.Post, message);
            records.Add(record);
            if (op.Post)
            {
                record.Accepted = queue.TryEnqueue(message);
            }
            else
            {
                var token = CancellationToken.None;
                if (op.CancelAfter >= 0)
                {
                    var source = new CancellationTokenSource();
                    cancels.Add((call + op.CancelAfter, source));
                    token = source.Token;
                }

                var accepting = queue.EnqueueAsync(message, token).AsTask();
                if (op.Await)
                {
                    record.Accepted = await OutcomeAsync(accepting);
                }
                else
                {
                    pending.Add((record, accepting));
                }
            }

            foreach (var (_, source) in cancels.Where(c => c.At <= call))
            {
                await source.CancelAsync();
            }

            cancels.RemoveAll(c => c.At <= call);
            for (var i = op.Yields; i > 0; i--)
            {
                await Task.Yield();
            }
        }

        foreach (var (_, source) in cancels)
        {
            await source.CancelAsync();
        }

        foreach (var (record, accepting) in pending)
        {
            record.Accepted = await OutcomeAsync(accepting);
        }

        return records;
    }

    /// <summary>True when accepted, false when cancelled; a refusal under the wait policy, or any other error, fails the test.</summary>
    private static async Task<bool> OutcomeAsync(Task<bool> accepting)
    {
        try
        {
            Assert.True(await accepting, "the wait policy never refuses PublishAsync");
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static string Describe(Record r) => $"{(r.Post ? "post" : "publish")} #{r.Call} on {r.Message.Topic} (seq {r.Message.Sequence})";

    private sealed record Op(bool Post, int Topic, bool Await, int Yields, int CancelAfter)
    {
        public override string ToString() => $"{(Post ? "P" : Await ? "A" : "F")}{Topic}{(CancelAfter >= 0 ? $"c{CancelAfter}" : string.Empty)}y{Yields}";
    }

    private sealed record Scenario(int Capacity, Op[][] Producers, int[] ConsumerPauses)
    {
        public override string ToString() =>
            $"capacity {Capacity}; consumer pauses [{string.Join(",", ConsumerPauses)}]; producers: {string.Join(" | ", Producers.Select(p => string.Join(" ", p.Select(o => o.ToString()))))}";
    }

    private sealed class Record(int producer, int call, bool post, OutgoingMessage message)
    {
        public int Producer { get; } = producer;

        public int Call { get; } = call;

        public bool Post { get; } = post;

        public OutgoingMessage Message { get; } = message;

        public bool? Accepted { get; set; }
    }
}
