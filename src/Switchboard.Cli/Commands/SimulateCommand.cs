using Spectre.Console;
using Switchboard.Simulator;

namespace Switchboard.Cli.Commands;

/// <summary>
/// <c>switchboard simulate [--home file.json | --scale N] [--offline id,…] [--misbehave id:what;…] [--url …]</c>: runs a simulated home (the built-in one by default) that
/// announces itself through Home Assistant discovery; on the embedded broker when no URL is given. Prints the URL and
/// the devices, then <c>ready &lt;url&gt;</c> on stderr, and runs until Ctrl+C.
/// </summary>
internal static class SimulateCommand
{
    public static async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var url = ClientFactory.ResolveUrl(args);
        var homeFile = args.Get("home");
        var scale = args.Get("scale") is null ? (int?)null : args.Int("scale", 15, 1, 100_000);
        var verbose = args.Flag("verbose");
        var offline = args.Get("offline")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var misbehave = args.Get("misbehave");
        args.ThrowIfUnknown();
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"simulate takes no arguments, got '{args.Positionals[0]}'.");
        }

        HomeDefinition home;
        try
        {
            if (homeFile is not null && scale is not null)
            {
                throw new UsageException("simulate takes --home or --scale, not both.");
            }

            home = homeFile is not null ? HomeDefinition.Load(homeFile) : scale is { } devices ? DefaultHome.Scaled(devices) : DefaultHome.Create();
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }

        var misbehaviours = new List<(string Device, Misbehaviour Misbehaviour)>();
        foreach (var part in (misbehave ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new UsageException($"--misbehave '{part}' must be <device id>:<misbehaviour>, e.g. kitchen:drop-commands,delay=2.");
            }

            try
            {
                misbehaviours.Add((part[..colon], Misbehaviour.Parse(part[(colon + 1)..])));
            }
            catch (FormatException ex)
            {
                throw new UsageException($"--misbehave: {ex.Message}");
            }
        }

        foreach (var id in offline.Concat(misbehaviours.Select(m => m.Device)))
        {
            if (!home.Devices.Any(d => d.Id == id))
            {
                throw new UsageException($"no device '{id}' in the home; devices: {string.Join(", ", home.Devices.Select(d => d.Id))}.");
            }
        }

        await using var broker = url is null ? await EmbeddedBroker.StartAsync() : null;
        url ??= broker!.Url;
        using var logging = ClientFactory.Logging(verbose);
        var options = ClientFactory.Options(url, "switchboard-simulator");
        options.EnableHealth = true;
        await using var client = new SwitchboardClient(options, logging);
        await client.ConnectAsync(cancellationToken);
        await using var simulated = new SimulatedHome(client, home, loggerFactory: logging);
        await simulated.StartAsync(cancellationToken);
        foreach (var id in offline)
        {
            await simulated.SetOfflineAsync(id, offline: true, cancellationToken);
        }

        foreach (var (id, misbehaviour) in misbehaviours)
        {
            await simulated.SetMisbehaviourAsync(id, misbehaviour, cancellationToken);
        }

        AnsiConsole.MarkupLineInterpolated($"[bold]Simulated home[/] on {(broker is null ? "broker" : "embedded broker")} [cyan]{url}[/] (discovery prefix homeassistant)");
        if (simulated.Devices.Count <= 50)
        {
            AnsiConsole.Write(HomeView.DeviceTable(simulated));
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"{simulated.Devices.Count} devices ({string.Join(", ", simulated.Devices.GroupBy(d => d.Definition.Type).Select(g => $"{g.Count()} {g.Key}"))})");
        }
        foreach (var device in simulated.Devices.Where(d => !d.IsOnline || !d.Misbehaviour.IsNone))
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{device.Id}[/]: {(device.IsOnline ? "online" : "offline")}, misbehaviour {device.Misbehaviour}");
        }

        AnsiConsole.MarkupLine("[grey]running; try 'switchboard devices --url " + Markup.Escape(url) + "' in another terminal; Ctrl+C to stop[/]");
        Console.Error.WriteLine($"ready {url}");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await simulated.StopAsync(CancellationToken.None);
        return ExitCodes.Ok;
    }
}
