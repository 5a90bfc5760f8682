using Spectre.Console;
using Switchboard.Dashboard;
using Switchboard.HomeAssistant;

namespace Switchboard.Cli.Commands;

/// <summary>
/// <c>switchboard dashboard [--url …] [--port 8080] [--host 127.0.0.1] [--token t] [--prefix homeassistant]</c>: the live
/// web dashboard for the broker's Home Assistant devices, services and traffic. Prints the address, then
/// <c>ready &lt;address&gt;</c> on stderr, and serves until Ctrl+C.
/// </summary>
internal static class DashboardCommand
{
    public static async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var url = ClientFactory.ResolveUrl(args) ?? throw new UsageException("dashboard needs a broker: pass --url mqtt://host:1883 or set MQTT_URL (or run 'switchboard demo --dashboard').");
        var options = ReadOptions(args);
        var prefix = args.Get("prefix") ?? HomeAssistantOptions.DefaultDiscoveryPrefix;
        var verbose = args.Flag("verbose");
        args.ThrowIfUnknown();

        using var logging = ClientFactory.Logging(verbose);
        await using var home = await HomeConnection.OpenAsync(url, "switchboard-dashboard", prefix, logging, cancellationToken);
        var registry = home.Registry;
        await using var dashboard = await StartAsync(home.Client, registry, options, logging, cancellationToken);
        await WaitForCtrlCAsync(cancellationToken);
        return ExitCodes.Ok;
    }

    /// <summary>The dashboard options from <c>--port</c>, <c>--host</c> and <c>--token</c> (also used by <c>demo --dashboard</c>).</summary>
    public static DashboardOptions ReadOptions(CommandArguments args)
    {
        var options = new DashboardOptions
        {
            Port = args.Int("port", 8080, 0, 65535),
            Host = args.Get("host") ?? "127.0.0.1",
            Token = args.Get("token"),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        return options;
    }

    /// <summary>Starts a dashboard and says where it is: the address on stdout (with the token, so it can be opened as
    /// printed), <c>ready &lt;address&gt;</c> on stderr.</summary>
    public static async Task<SwitchboardDashboard> StartAsync(SwitchboardClient client, HomeAssistantRegistry registry, DashboardOptions options, Microsoft.Extensions.Logging.ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var dashboard = new SwitchboardDashboard(client, registry, options, logging);
        try
        {
            await dashboard.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await dashboard.DisposeAsync();
            throw new UsageException($"{ex.Message} (choose another --port, or 0 for a free one)");
        }

        var open = options.Token is null ? dashboard.Url.ToString() : $"{dashboard.Url}?token={Uri.EscapeDataString(options.Token)}";
        AnsiConsole.MarkupLineInterpolated($"[bold]dashboard[/] at [cyan link]{open}[/]{(IsLoopback(options.Host) ? " (this machine only; --host 0.0.0.0 to share it)" : string.Empty)}");
        Console.Error.WriteLine($"ready {dashboard.Url}");
        return dashboard;
    }

    public static async Task WaitForCtrlCAsync(CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine("[grey]Ctrl+C to stop[/]");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static bool IsLoopback(string host) =>
        host == "localhost" || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
}
