using System.Diagnostics;

namespace Switchboard.Bench;

/// <summary>
/// Switchboard: <c>Post</c> (throughput, latency) or <c>PublishEventAsync</c> (envelopes) on one connection, then
/// <c>FlushAsync</c>; <c>SubscribeAsync</c> / <c>SubscribeEventsAsync</c> on another. Queue large enough that the
/// Wait overflow policy never refuses a <c>Post</c>.
/// </summary>
/// <param name="deliveryWait">How long a throughput run waits for late deliveries (<see cref="DeliveryWait.Benchmark"/> by default).</param>
public sealed class SwitchboardBenchClient(DeliveryWait? deliveryWait = null) : IBenchClient
{
    private readonly DeliveryWait _deliveryWait = deliveryWait ?? DeliveryWait.Benchmark;

    public string Name => "Switchboard";

    static SwitchboardOptions Options(string url, string clientId, int queueCapacity) => new()
    {
        Url = url,
        ClientId = clientId,
        MaxInflight = 100,
        QueueCapacity = queueCapacity,
        OverflowPolicy = OverflowPolicy.Wait,
        DrainTimeout = TimeSpan.FromSeconds(1),
    };

    static async Task<(SwitchboardClient Pub, SwitchboardClient Sub)> ConnectPairAsync(string url, string id, int count)
    {
        var pub = new SwitchboardClient(Options(url, $"sb-pub-{id}", Math.Max(10_000, count * 2)));
        var sub = new SwitchboardClient(Options(url, $"sb-sub-{id}", 10_000));
        await pub.ConnectAsync();
        await sub.ConnectAsync();
        return (pub, sub);
    }

    public async Task<RunResult> ThroughputAsync(string url, int qos, int count)
    {
        var id = RunIds.Next();
        var topic = $"bench/{id}/sb";
        var (pub, sub) = await ConnectPairAsync(url, id, count);
        await using var _p = pub;
        await using var _s = sub;
        var tally = new Tally(count);
        await using var subscription = await sub.SubscribeAsync(topic, (m, _) =>
        {
            tally.Record(Payload.Sequence(m.Payload.Span));
            return ValueTask.CompletedTask;
        }, (Qos)qos);

        var meter = Meter.Start();
        var start = Stopwatch.GetTimestamp();
        var refused = 0;
        for (var i = 0; i < count; i++)
        {
            if (!pub.Post(topic, Payload.Create(i), (Qos)qos))
            {
                refused++;
            }
        }

        var flushed = pub.FlushAsync();
        await tally.WaitAsync(flushed, _deliveryWait);
        var reading = meter.Stop();
        return tally.Throughput(start, reading) with { Note = refused > 0 ? $"{refused} refused by Post" : null };
    }

    public async Task<RunResult> LatencyAsync(string url, int rate, int warmup, int count)
    {
        var id = RunIds.Next();
        var topic = $"bench/{id}/sb-lat";
        var (pub, sub) = await ConnectPairAsync(url, id, 10_000);
        await using var _p = pub;
        await using var _s = sub;
        var recorder = new LatencyRecorder(warmup, count);
        await using var subscription = await sub.SubscribeAsync(topic, (m, _) =>
        {
            recorder.Record(m.Payload.Span);
            return ValueTask.CompletedTask;
        }, Qos.AtLeastOnce);

        Meter? meter = null;
        await Pacer.RunAsync(rate, warmup + count, i =>
        {
            if (i == warmup)
            {
                meter = Meter.Start();
            }

            pub.Post(topic, Payload.Create(i), Qos.AtLeastOnce);
        });
        await pub.FlushAsync();
        await recorder.WaitAsync(TimeSpan.FromSeconds(5));
        return Stats.Latencies(recorder.Samples, count, meter!.Stop(), count);
    }

    public async Task<RunResult> EnvelopeAsync(string url, int count)
    {
        var id = RunIds.Next();
        var topic = $"bench/{id}/sb-env";
        var (pub, sub) = await ConnectPairAsync(url, id, count);
        await using var _p = pub;
        await using var _s = sub;
        var tally = new Tally(count);
        await using var subscription = await sub.SubscribeEventsAsync(topic, (e, _) =>
        {
            tally.Record(e.Data.Seq);
            return ValueTask.CompletedTask;
        }, BenchJson.Default.EventData, Qos.AtLeastOnce);

        var meter = Meter.Start();
        var start = Stopwatch.GetTimestamp();
        var tasks = new Task[count];
        for (var i = 0; i < count; i++)
        {
            tasks[i] = pub.PublishEventAsync(topic, "bench.event", new EventData(i, Stopwatch.GetTimestamp()), BenchJson.Default.EventData, qos: Qos.AtLeastOnce);
        }

        await tally.WaitAsync(Task.WhenAll(tasks), _deliveryWait);
        var reading = meter.Stop();
        return tally.Throughput(start, reading);
    }

    public async Task<RunResult> PostOfflineAsync(string url, int count)
    {
        // Never connected: Post only queues. Queue large enough that nothing is refused.
        var client = new SwitchboardClient(Options(url, $"sb-offline-{RunIds.Next()}", count * 2));
        try
        {
            var payloads = new byte[count][];
            for (var i = 0; i < count; i++)
            {
                payloads[i] = Payload.Create(i);
            }

            var micros = new List<double>(count);
            var meter = Meter.Start();
            var refused = 0;
            for (var i = 0; i < count; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                var accepted = client.Post("bench/offline", payloads[i], Qos.AtLeastOnce);
                micros.Add((Stopwatch.GetTimestamp() - t0) * 1_000_000.0 / Stopwatch.Frequency);
                refused += accepted ? 0 : 1;
            }

            var reading = meter.Stop();
            var result = Stats.Latencies(micros, count, reading, count);
            return result with { Missing = 0, Note = refused > 0 ? $"{refused} refused" : null };
        }
        finally
        {
            await client.DisposeAsync();
        }
    }
}
