using Spectre.Console;

namespace Switchboard.Cli.Commands;

/// <summary><c>switchboard broker [--port 1883] [--host 127.0.0.1] [--username u --password p]</c>: runs the embedded
/// broker until Ctrl+C.</summary>
internal static class BrokerCommand
{
    public static async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var port = args.Int("port", 1883, 0, 65535);
        var host = args.Get("host") ?? "127.0.0.1";
        var username = args.Get("username");
        var password = args.Get("password");
        args.ThrowIfUnknown();
        if ((username is null) != (password is null))
        {
            throw new UsageException("--username and --password go together.");
        }

        await using var broker = await EmbeddedBroker.StartAsync(port, host, username, password);
        AnsiConsole.MarkupLineInterpolated($"[green]broker listening[/] on {broker.Url}{(username is null ? " (anonymous)" : " (authenticated)")}; Ctrl+C to stop");
        Console.Error.WriteLine($"ready {broker.Url}");
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
