using Spectre.Console;
using Switchboard.HomeAssistant;

namespace Switchboard.Cli.Commands;

/// <summary>
/// <c>switchboard devices [--watch] [--json] [--url …]</c>: every Home Assistant entity discovered on the broker, with
/// its state and availability, once discovery has settled (500 ms without news, 5 s at most). <c>--json</c> prints one
/// JSON array; <c>--watch</c> then prints every change (JSON lines with <c>--json</c>) until Ctrl+C.
/// </summary>
internal static class DevicesCommand
{
    public static async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var url = ClientFactory.ResolveUrl(args) ?? throw new UsageException("devices needs a broker: pass --url mqtt://host:1883 or set MQTT_URL.");
        var watch = args.Flag("watch");
        var json = args.Flag("json");
        var prefix = args.Get("prefix") ?? HomeAssistantOptions.DefaultDiscoveryPrefix;
        var verbose = args.Flag("verbose");
        args.ThrowIfUnknown();

        using var logging = ClientFactory.StderrLogging(verbose);
        await using var home = await HomeConnection.OpenAsync(url, "switchboard-devices", prefix, logging, cancellationToken);
        var registry = home.Registry;
        await HomeView.SettleAsync(registry, HomeView.MaxSettle, cancellationToken);

        var entities = HomeView.ByEntityId(registry);
        if (json)
        {
            Console.Out.WriteLine(HomeView.ToJsonArray(entities));
        }
        else
        {
            var stats = registry.GetStats();
            AnsiConsole.Write(HomeView.Table(entities, $"{entities.Count} entities on {url}"));
            if (stats.Rejected > 0 || stats.InvalidStatePayloads > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]{stats.Rejected} discovery config(s) rejected, {stats.InvalidStatePayloads} invalid state payload(s)[/]");
            }
        }

        if (!watch)
        {
            return ExitCodes.Ok;
        }

        if (!json)
        {
            AnsiConsole.MarkupLine("[grey]watching; Ctrl+C to stop[/]");
        }

        var gate = new Lock();
        void Print(HomeAssistantEntity entity, string what)
        {
            lock (gate)
            {
                var id = HomeView.ByEntityId(registry).FirstOrDefault(p => ReferenceEquals(p.Value, entity)).Key ?? entity.Id;
                if (json)
                {
                    Console.Out.WriteLine(HomeView.ToJsonLine(id, entity));
                }
                else
                {
                    AnsiConsole.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] [bold]{id}[/] {what}");
                }
            }
        }

        registry.StateChanged += (_, e) => Print(e.Entity, HomeView.StateText(e.Entity));
        registry.AvailabilityChanged += (_, e) => Print(e.Entity, e.IsAvailable ? "online" : "offline");
        registry.Discovered += (_, e) => Print(e.Entity, e.IsUpdate ? "config updated" : "discovered");
        registry.Removed += (_, e) => Print(e.Entity, "removed");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        return ExitCodes.Ok;
    }
}
