using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Switchboard.Cli.Commands;

/// <summary>
/// <c>switchboard bench [--url …] [--count N] [--qos 0|1] [--size bytes]</c>: a quick throughput check. One publisher
/// posts N messages with <c>Post</c> (never blocks), one subscriber counts them; prints msg/s and delivered/missing.
/// Uses the embedded broker when no URL is given. Exit 1 when QoS 1 messages went missing.
/// </summary>
internal static class BenchCommand
{
    private static readonly TimeSpan QuietLimit = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var url = ClientFactory.ResolveUrl(args);
        var count = args.Int("count", 10_000, 1, 10_000_000);
        var qos = args.Int("qos", 1, 0, 1) == 0 ? Qos.AtMostOnce : Qos.AtLeastOnce;
        var size = args.Int("size", 64, 8, 1_000_000);
        var verbose = args.Flag("verbose");
        args.ThrowIfUnknown();

        await using var broker = url is null ? await EmbeddedBroker.StartAsync() : null;
        url ??= broker!.Url;
        using var logging = ClientFactory.Logging(verbose);
        var topic = $"switchboard/bench/{Environment.ProcessId}-{Random.Shared.Next(100_000, 999_999)}";
        var subscriberOptions = ClientFactory.Options(url, "switchboard-bench-sub");
        var publisherOptions = ClientFactory.Options(url, "switchboard-bench-pub");
        publisherOptions.QueueCapacity = Math.Max(publisherOptions.QueueCapacity, count);
        await using var subscriber = new SwitchboardClient(subscriberOptions, logging);
        await using var publisher = new SwitchboardClient(publisherOptions, logging);
        await subscriber.ConnectAsync(cancellationToken);
        await publisher.ConnectAsync(cancellationToken);

        var seen = new bool[count];
        long delivered = 0, duplicates = 0, lastArrival = Stopwatch.GetTimestamp();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await subscriber.SubscribeAsync(topic, (message, _) =>
        {
            var span = message.Payload.Span;
            var n = span.Length >= 8 ? BitConverter.ToInt32(span[..4]) : -1;
            if (n >= 0 && n < count)
            {
                if (seen[n])
                {
                    duplicates++;
                }
                else
                {
                    seen[n] = true;
                    if (Interlocked.Increment(ref delivered) == count)
                    {
                        all.TrySetResult();
                    }
                }
            }

            Interlocked.Exchange(ref lastArrival, Stopwatch.GetTimestamp());
            return ValueTask.CompletedTask;
        }, qos, cancellationToken);

        AnsiConsole.MarkupLineInterpolated($"[bold]bench[/]: {count} messages of {size} bytes at QoS {(int)qos} through {(broker is null ? "broker" : "embedded broker")} [cyan]{url}[/]");
        var clock = Stopwatch.StartNew();
        var refused = 0;
        for (var i = 0; i < count; i++)
        {
            var payload = new byte[size];
            BitConverter.TryWriteBytes(payload, i);
            if (!publisher.Post(topic, payload, qos))
            {
                refused++;
            }
        }

        var posted = clock.Elapsed;
        await publisher.FlushAsync(cancellationToken);
        var flushed = clock.Elapsed;
        while (!all.Task.IsCompleted && Stopwatch.GetElapsedTime(Interlocked.Read(ref lastArrival)) < QuietLimit)
        {
            await Task.WhenAny(all.Task, Task.Delay(100, cancellationToken));
        }

        var received = clock.Elapsed;
        var deliveredCount = Interlocked.Read(ref delivered);
        var missing = count - deliveredCount;
        string Rate(TimeSpan t, long n) => t.TotalSeconds > 0 ? (n / t.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture) : "-";
        var table = new Table().AddColumns("", "value")
            .AddRow("posted (Post returned)", $"{count - refused} in {posted.TotalMilliseconds:0} ms ({Rate(posted, count - refused)} msg/s)")
            .AddRow(qos == Qos.AtMostOnce ? "sent" : "acknowledged by the broker", $"{flushed.TotalMilliseconds:0} ms ({Rate(flushed, count - refused)} msg/s)")
            .AddRow("delivered to the subscriber", $"{deliveredCount} in {received.TotalMilliseconds:0} ms ({Rate(received, deliveredCount)} msg/s)")
            .AddRow("missing", missing.ToString(CultureInfo.InvariantCulture))
            .AddRow("duplicates", duplicates.ToString(CultureInfo.InvariantCulture))
            .AddRow("refused by the queue", refused.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"throughput: [bold]{Rate(received, deliveredCount)} msg/s[/] end to end, delivered {deliveredCount}/{count}, missing {missing}");
        return qos == Qos.AtLeastOnce && missing > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }
}
