using Spectre.Console;
using Switchboard;
using Switchboard.Cli;
using Switchboard.Cli.Commands;

// Flags are options without a value; everything else after --name takes one.
var flags = new HashSet<string>(StringComparer.Ordinal) { "retain", "json", "keep-running", "verbose", "help", "watch", "quick", "dashboard" };
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    if (args is ["--version" or "version"])
    {
        Console.WriteLine(CommandHelp.Version);
        return ExitCodes.Ok;
    }

    if (args.Length >= 2 && CommandHelp.Knows(args[0]) && args.Skip(1).Any(a => a is "--help" or "-h"))
    {
        // Help comes before the command reads anything, so it never fails for want of a broker or an argument.
        return CommandHelp.Print(args[0]);
    }

    var parsed = CommandArguments.Parse(args, flags);
    CommandHelp.ThrowIfUndeclared(parsed);
    return parsed.Command switch
    {
        "demo" => await DemoCommand.RunAsync(parsed, cancel.Token),
        "pub" => await PubCommand.RunAsync(parsed, cancel.Token),
        "sub" => await SubCommand.RunAsync(parsed, cancel.Token),
        "broker" => await BrokerCommand.RunAsync(parsed, cancel.Token),
        "request" => await RequestCommand.RunAsync(parsed, cancel.Token),
        "health" => await HealthCommand.RunAsync(parsed, cancel.Token),
        "simulate" => await SimulateCommand.RunAsync(parsed, cancel.Token),
        "devices" => await DevicesCommand.RunAsync(parsed, cancel.Token),
        "set" => await SetCommand.RunAsync(parsed, cancel.Token),
        "dashboard" => await DashboardCommand.RunAsync(parsed, cancel.Token),
        "bench" => await BenchCommand.RunAsync(parsed, cancel.Token),
        "help" or "--help" or "-h" => parsed.Positionals is [var command] && CommandHelp.Knows(command) ? CommandHelp.Print(command) : CommandHelp.PrintAll(),
        var other => throw new UsageException($"Unknown command '{other}'. Run 'switchboard help' for the list."),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return ExitCodes.Usage;
}
catch (SwitchboardConfigurationException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return ExitCodes.Usage;
}
catch (MqttConnectionException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return ExitCodes.Connection;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    return 130;
}
catch (Exception ex) when (ex is SwitchboardException or TimeoutException or OperationCanceledException or InvalidOperationException or ArgumentException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return ExitCodes.Failed;
}
