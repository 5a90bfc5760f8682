using System.Globalization;

namespace Switchboard.Reliability;

/// <summary>
/// A member of a shared subscription, as its own process (the shared-subscription scenario's child):
/// <c>share-member --url U --client-id C --filter '$share/g/t/+' [--clean]</c>. A persistent session (clean start off,
/// session expiry one hour) unless <c>--clean</c>, QoS 1; prints <c>ready</c> once subscribed and <c>got &lt;payload&gt;</c> for each message,
/// flushed before the handler returns, that is before the message is acknowledged: a line printed is a message
/// handled, and a message not acknowledged when the process dies stays in its session on the broker.
/// </summary>
public static class ChildShareMember
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> args)
    {
        var stdout = Console.Out;
        var gate = new SemaphoreSlim(1, 1);
        await using var client = new SwitchboardClient(Scenarios.Options(args["url"], args["client-id"], o =>
        {
            if (!args.ContainsKey("clean"))
            {
                o.CleanStart = false;
                o.SessionExpiry = TimeSpan.FromHours(1);
            }
        }));
        // The handler first, then the connection: with a persistent session the broker sends what waited in it
        // right after CONNACK, and a message no handler wants yet is acknowledged and gone.
        await using var subscription = await client.SubscribeAsync(args["filter"], async (m, _) =>
        {
            await gate.WaitAsync();
            try
            {
                await stdout.WriteLineAsync("got " + m.PayloadAsString());
                await stdout.FlushAsync();
            }
            finally
            {
                gate.Release();
            }
        }, Qos.AtLeastOnce);
        await client.ConnectAsync();
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ready {client.GetStats().Broker}"));
        await stdout.FlushAsync();

        // Until the parent closes our stdin (or kills us).
        await Console.In.ReadToEndAsync();
        return 0;
    }
}
