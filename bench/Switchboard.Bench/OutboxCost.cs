using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Bench;

/// <summary>
/// The <c>--outbox</c> mode: what the durable outbox costs, per <see cref="OutboxFsync"/> mode, against no outbox.
/// Two figures per mode: the time of each <c>Post</c> call (QoS 1, 64 bytes) on a connected client whose queue is
/// large enough never to refuse, as p50/p99/p99.9 from a per-call stopwatch; and end-to-end QoS 1 throughput with
/// awaited <c>PublishAsync</c> in a window of 100, until the subscriber has every message. The log lives in a fresh
/// temporary directory (the machine's /tmp; the disk under it decides what an fsync costs, so say which one).
/// </summary>
public static class OutboxCost
{
    private const int Window = 100;

    public static async Task<int> RunAsync(string? url, int messages)
    {
        await using var broker = await PrivateBroker.StartUnlessAsync(url);
        url ??= broker!.Url;
        Console.WriteLine($"durable outbox cost: {messages} × 64 B QoS 1 per run, broker {url}, log under {Path.GetTempPath()}");
        Console.WriteLine("| outbox | Post p50 µs | Post p99 µs | Post p99.9 µs | PublishAsync QoS 1 msg/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var mode in new OutboxFsync?[] { null, OutboxFsync.Never, OutboxFsync.Batch, OutboxFsync.Always })
        {
            var post = await PostLatencyAsync(url, mode, messages);
            var throughput = await ThroughputAsync(url, mode, messages);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {(mode is null ? "none" : $"fsync {mode.ToString()!.ToLowerInvariant()}")} | {post.P50:0.0} | {post.P99:0.0} | {post.P999:0.0} | {throughput:0} |"));
        }

        return 0;
    }

    private static async Task<(double P50, double P99, double P999)> PostLatencyAsync(string url, OutboxFsync? mode, int messages)
    {
        var dir = Directory.CreateTempSubdirectory("sb-outbox-cost-");
        try
        {
            var options = Options(url, mode, dir.FullName, "outbox-post");
            options.QueueCapacity = messages + Window;
            await using var client = new SwitchboardClient(options);
            await client.ConnectAsync();
            var payload = new byte[64];
            var micros = new List<double>(messages);
            for (var i = 0; i < messages; i++)
            {
                var start = Stopwatch.GetTimestamp();
                if (!client.Post("bench/outbox/post", payload, Qos.AtLeastOnce))
                {
                    throw new InvalidOperationException($"Post {i} was refused");
                }

                micros.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }

            await client.FlushAsync().WaitAsync(TimeSpan.FromMinutes(2));
            micros.Sort();
            return (Stats.Percentile(micros, 50), Stats.Percentile(micros, 99), Stats.Percentile(micros, 99.9));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<double> ThroughputAsync(string url, OutboxFsync? mode, int messages)
    {
        var dir = Directory.CreateTempSubdirectory("sb-outbox-cost-");
        try
        {
            await using var subscriber = new SwitchboardClient(Options(url, null, null, "outbox-sub"));
            await subscriber.ConnectAsync();
            var received = 0;
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var sub = await subscriber.SubscribeAsync("bench/outbox/tp", (_, _) =>
            {
                if (Interlocked.Increment(ref received) == messages)
                {
                    all.TrySetResult();
                }

                return ValueTask.CompletedTask;
            }, Qos.AtLeastOnce);

            await using var publisher = new SwitchboardClient(Options(url, mode, dir.FullName, "outbox-pub"));
            await publisher.ConnectAsync();
            var payload = new byte[64];
            var window = new Queue<Task>(Window);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < messages; i++)
            {
                if (window.Count == Window)
                {
                    await window.Dequeue();
                }

                window.Enqueue(publisher.PublishAsync("bench/outbox/tp", payload, Qos.AtLeastOnce));
            }

            await Task.WhenAll(window);
            await all.Task.WaitAsync(TimeSpan.FromMinutes(2));
            return messages / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static SwitchboardOptions Options(string url, OutboxFsync? mode, string? dir, string prefix) => new()
    {
        Url = url,
        ClientId = $"{prefix}-{Environment.ProcessId}-{Random.Shared.Next(1000, 9999)}",
        OutboxPath = mode is null ? null : dir,
        OutboxFsync = mode ?? OutboxFsync.Never,
    };
}
