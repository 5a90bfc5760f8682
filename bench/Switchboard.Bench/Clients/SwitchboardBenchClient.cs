using System.Diagnostics;

namespace Switchboard.Bench;

/// <summary>How the Switchboard rows publish.</summary>
public enum SwitchboardApi
{
    /// <summary><c>Post</c> (queue and return) for every message, then <c>FlushAsync</c>.</summary>
    Post,

    /// <summary>Awaited <c>PublishAsync</c>: QoS 0 one at a time, QoS 1 a window of 100 outstanding tasks (like MQTT.js).</summary>
    PublishAsync,
}

/// <summary>
/// Switchboard, one publisher and one subscriber connection (<c>SubscribeAsync</c> / <c>SubscribeEventsAsync</c>), with
/// the target's transport (<c>TlsCaFile</c> for TLS) and <c>Protocol</c>; a run fails if the connection fell back to
/// another protocol version. Two rows: <see cref="SwitchboardApi.Post"/> (throughput, latency, Post while
/// disconnected) and <see cref="SwitchboardApi.PublishAsync"/> (throughput, latency, and the envelope row, which uses
/// <c>PublishEventAsync</c>). Queue large enough that the Wait overflow policy never refuses a <c>Post</c>.
/// </summary>
/// <param name="deliveryWait">How long a throughput run waits for late deliveries (<see cref="DeliveryWait.Benchmark"/> by default).</param>
public sealed class SwitchboardBenchClient(SwitchboardApi api = SwitchboardApi.Post, DeliveryWait? deliveryWait = null) : IBenchClient
{
    public const string PostName = "Switchboard (Post)";
    public const string PublishAsyncName = "Switchboard (PublishAsync)";
    const int Window = 100;

    private readonly DeliveryWait _deliveryWait = deliveryWait ?? DeliveryWait.Benchmark;

    public string Name => api == SwitchboardApi.Post ? PostName : PublishAsyncName;

    public SwitchboardApi Api => api;

    static SwitchboardOptions Options(BenchTarget target, string clientId, int queueCapacity) => new()
    {
        Url = target.Url,
        ClientId = clientId,
        Protocol = target.Protocol,
        TlsCaFile = target.CaFile,
        MaxInflight = Window,
        QueueCapacity = queueCapacity,
        OverflowPolicy = OverflowPolicy.Wait,
        DrainTimeout = TimeSpan.FromSeconds(1),
    };

    static async Task<(SwitchboardClient Pub, SwitchboardClient Sub)> ConnectPairAsync(BenchTarget target, string id, int count)
    {
        var pub = new SwitchboardClient(Options(target, $"sb-pub-{id}", Math.Max(10_000, count * 2)));
        var sub = new SwitchboardClient(Options(target, $"sb-sub-{id}", 10_000));
        await pub.ConnectAsync();
        await sub.ConnectAsync();
        if (pub.Protocol != target.Protocol || sub.Protocol != target.Protocol)
        {
            await pub.DisposeAsync();
            await sub.DisposeAsync();
            throw new InvalidOperationException($"connected with {pub.Protocol}/{sub.Protocol}, not {target.Protocol}");
        }

        return (pub, sub);
    }

    public async Task<RunResult> ThroughputAsync(BenchTarget target, int qos, int count)
    {
        var id = RunIds.Next();
        var topic = $"bench/{id}/sb";
        var (pub, sub) = await ConnectPairAsync(target, id, count);
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
        string? note;
        Meter.Reading reading;
        if (api == SwitchboardApi.Post)
        {
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
            reading = meter.Stop();
            note = refused > 0 ? $"{refused} refused by Post" : null;
        }
        else
        {
            var window = new AwaitedWindow(Window);
            var publishing = Task.Run(() => qos == 0 ? PublishEachAsync(pub, topic, count) : PublishWindowedAsync(pub, window, topic, Qos.AtLeastOnce, count));
            await tally.WaitAsync(publishing, _deliveryWait);
            reading = meter.Stop();
            await publishing;
            note = window.Failures > 0 ? $"{window.Failures} publish failures" : null;
        }

        return tally.Throughput(start, reading) with { Note = note };
    }

    /// <summary>QoS 0 as an application writes it: <c>await PublishAsync</c> per message, one at a time.</summary>
    static async Task PublishEachAsync(SwitchboardClient pub, string topic, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await pub.PublishAsync(topic, Payload.Create(i), Qos.AtMostOnce);
        }
    }

    /// <summary>At most 100 awaited <c>PublishAsync</c> tasks outstanding; when one completes the next starts.</summary>
    static async Task PublishWindowedAsync(SwitchboardClient pub, AwaitedWindow window, string topic, Qos qos, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await window.WaitForSlotAsync();
            window.Track(pub.PublishAsync(topic, Payload.Create(i), qos));
        }

        await window.DrainAsync();
    }

    public async Task<RunResult> LatencyAsync(BenchTarget target, int rate, int warmup, int count)
    {
        var id = RunIds.Next();
        var topic = $"bench/{id}/sb-lat";
        var (pub, sub) = await ConnectPairAsync(target, id, 10_000);
        await using var _p = pub;
        await using var _s = sub;
        var recorder = new LatencyRecorder(warmup, count);
        await using var subscription = await sub.SubscribeAsync(topic, (m, _) =>
        {
            recorder.Record(m.Payload.Span);
            return ValueTask.CompletedTask;
        }, Qos.AtLeastOnce);

        Meter? meter = null;
        var window = new AwaitedWindow(Window);
        await Pacer.RunAsync(rate, warmup + count, i =>
        {
            if (i == warmup)
            {
                meter = Meter.Start();
            }

            if (api == SwitchboardApi.Post)
            {
                pub.Post(topic, Payload.Create(i), Qos.AtLeastOnce);
            }
            else
            {
                window.WaitForSlotAsync().GetAwaiter().GetResult();
                window.Track(pub.PublishAsync(topic, Payload.Create(i), Qos.AtLeastOnce));
            }
        });
        await (api == SwitchboardApi.Post ? pub.FlushAsync() : window.DrainAsync());
        await recorder.WaitAsync(TimeSpan.FromSeconds(5));
        var result = Stats.Latencies(recorder.Samples, count, meter!.Stop(), count);
        return window.Failures > 0 ? result with { Note = $"{window.Failures} publish failures" } : result;
    }

    public async Task<RunResult> EnvelopeAsync(BenchTarget target, int count)
    {
        if (api == SwitchboardApi.Post)
        {
            return RunResult.Absent("the envelope row is Switchboard (PublishAsync): PublishEventAsync");
        }

        var id = RunIds.Next();
        var topic = $"bench/{id}/sb-env";
        var (pub, sub) = await ConnectPairAsync(target, id, count);
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
        return tally.Throughput(start, reading) with { Note = "PublishEventAsync, all tasks started at once" };
    }

    public async Task<RunResult> PostOfflineAsync(BenchTarget target, int count)
    {
        if (api != SwitchboardApi.Post)
        {
            return RunResult.Absent("the offline row is Switchboard (Post)");
        }

        // Never connected: Post only queues. Queue large enough that nothing is refused.
        var client = new SwitchboardClient(Options(target, $"sb-offline-{RunIds.Next()}", count * 2));
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
