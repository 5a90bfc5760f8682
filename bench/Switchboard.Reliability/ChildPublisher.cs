using System.Text;

namespace Switchboard.Reliability;

/// <summary>
/// The child process of the crash scenario: publishes numbered QoS 1 messages through a durable outbox and prints
/// <c>accepted &lt;n&gt;</c> as soon as each one is accepted (written to the outbox), so the parent knows exactly what
/// must survive a SIGKILL. <c>publish --url U --client-id C --outbox DIR --count N [--topic T]</c>
/// </summary>
public static class ChildPublisher
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> args)
    {
        var count = int.Parse(args["count"], System.Globalization.CultureInfo.InvariantCulture);
        var topic = args.GetValueOrDefault("topic") ?? "reliability/child";
        await using var client = new SwitchboardClient(Scenarios.Options(args["url"], args["client-id"], o =>
        {
            o.OutboxPath = args["outbox"];
            o.QueueCapacity = count + 10;
        }));
        await client.ConnectAsync();
        var stdout = Console.Out;
        for (var i = 0; i < count; i++)
        {
            if (!client.Post(topic, Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Qos.AtLeastOnce))
            {
                await Console.Error.WriteLineAsync($"refused {i}");
                return 1;
            }

            await stdout.WriteLineAsync($"accepted {i}");
            await stdout.FlushAsync();
            if (i % 20 == 19)
            {
                // Paced, so the stream is still going when the parent stalls the network and kills us.
                await Task.Delay(1);
            }
        }

        await stdout.WriteLineAsync("all accepted");
        await stdout.FlushAsync();
        await client.FlushAsync();

        await stdout.WriteLineAsync("drained");
        return 0;
    }
}
