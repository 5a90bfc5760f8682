using Spectre.Console;
using Switchboard;
using Switchboard.Cli;
using Switchboard.Cli.Commands;

// Flags are options without a value; everything else after --name takes one.
var flags = new HashSet<string>(StringComparer.Ordinal) { "retain", "json", "keep-running", "verbose", "help", "watch", "quick" };
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var parsed = CommandArguments.Parse(args, flags);
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
        "bench" => await BenchCommand.RunAsync(parsed, cancel.Token),
        "help" or "--help" or "-h" => Help(),
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

static int Help()
{
    AnsiConsole.MarkupLine("[bold]switchboard[/] — the MQTT layer for .NET services");
    var table = new Table().AddColumns("command", "what it does");
    table.AddRow("demo [[--keep-running]]", "embedded broker + two services: envelopes, request/response, health");
    table.AddRow("broker [[--port 1883]] [[--host 127.0.0.1]] [[--username u --password p]]", "run the embedded MQTT broker");
    table.AddRow("pub --topic t --message m [[--qos 1]] [[--retain]] [[--type event.type]]", "publish one message (an envelope with --type)");
    table.AddRow("sub [[--topic filter]] [[--count n]] [[--timeout s]] [[--json]]", "print messages; --json: one JSON object per line");
    table.AddRow("request --topic t --type x [[--data '{…}']] [[--timeout s]] [[--reply-topic r]] [[--json]]", "send a request envelope, print the reply");
    table.AddRow("health [[--watch]] [[--json]]", "services' health and heartbeats (system/health/+, system/keepalive/+)");
    table.AddRow("simulate [[--home file.json]] [[--offline id,…]] [[--misbehave id:what;…]]", "a simulated home (15 devices) announced through Home Assistant discovery; embedded broker without --url");
    table.AddRow("devices [[--watch]] [[--json]]", "Home Assistant entities on the broker: entity id, component, name, state, availability");
    table.AddRow("set <entity> <command…> [[--timeout s]]", "drive an entity and wait for its state: set light.kitchen on brightness 128, set cover.garage position 40");
    table.AddRow("bench [[--count N]] [[--qos 0|1]] [[--size bytes]]", "quick throughput: one publisher (Post), one subscriber; msg/s, delivered/missing");
    AnsiConsole.Write(table);
    AnsiConsole.MarkupLine("Every command takes [cyan]--url mqtt://host:1883[/] or reads [cyan]MQTT_URL[/]. Exit codes: 0 ok, 1 failed, 2 usage, 3 connection.");
    return ExitCodes.Ok;
}
