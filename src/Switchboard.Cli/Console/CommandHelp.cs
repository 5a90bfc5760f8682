using System.Reflection;
using Spectre.Console;

namespace Switchboard.Cli;

/// <summary>Every command's usage line and summary, in one place: <c>switchboard help</c> lists them all and
/// <c>switchboard &lt;command&gt; --help</c> prints one, before the command looks at any other argument.</summary>
internal static class CommandHelp
{
    private static readonly (string Name, string Usage, string Summary)[] Commands =
    [
        ("demo", "demo [--keep-running] [--dashboard [--port 8080] [--host 127.0.0.1] [--token t]]", "embedded broker + a simulated home + two services: discovery and control, envelopes, request/response, health; --dashboard keeps it running with the web dashboard"),
        ("broker", "broker [--port 1883] [--host 127.0.0.1] [--username u --password p]", "run the embedded MQTT broker (clients without a client id get one assigned; no shared subscriptions)"),
        ("pub", "pub --topic t --message m [--qos 1] [--retain] [--type event.type] [--timeout 10]", "publish one message (an envelope with --type; the payload from stdin without --message)"),
        ("sub", "sub [--topic filter] [--count n] [--timeout s] [--json]", "print messages; --json: one JSON object per line"),
        ("request", "request --topic t --type x [--data '{…}'] [--timeout s] [--reply-topic r] [--json]", "send a request envelope, print the reply"),
        ("health", "health [--watch] [--json]", "services' health and heartbeats (system/health/+, system/keepalive/+)"),
        ("simulate", "simulate [--home file.json | --scale N] [--offline id,…] [--misbehave id:what;…]", "a simulated home (15 devices, or N cycling through them) announced through Home Assistant discovery; embedded broker without --url"),
        ("devices", "devices [--watch] [--json]", "Home Assistant entities on the broker: entity id, component, name, state, availability"),
        ("set", "set <entity> <command…> [--timeout s]", "drive an entity and wait for its state: set light.kitchen on brightness 128, set cover.garage position 40"),
        ("dashboard", "dashboard [--port 8080] [--host 127.0.0.1] [--token t] [--prefix homeassistant]", "live web dashboard: Home Assistant devices with controls, services' health, traffic (topic tree, rates, message stream); loopback only unless --host"),
        ("bench", "bench [--count N] [--qos 0|1] [--size bytes]", "quick throughput: one publisher (Post), one subscriber; msg/s, delivered/missing"),
    ];

    /// <summary>
    /// The options each command reads (its usage line, plus <c>--url</c> and <c>--verbose</c> where they apply), checked
    /// before the command runs, so a misspelt option is reported by name even when another problem (no broker, a
    /// missing <c>--topic</c>) would otherwise be reported first. Only <c>set</c> and <c>help</c> take positional arguments.
    /// </summary>
    private static readonly Dictionary<string, string[]> OptionsOf = new(StringComparer.Ordinal)
    {
        ["demo"] = ["keep-running", "dashboard", "port", "host", "token", "url", "verbose"],
        ["broker"] = ["port", "host", "username", "password"],
        ["pub"] = ["topic", "message", "qos", "retain", "type", "timeout", "url"],
        ["sub"] = ["topic", "count", "timeout", "json", "qos", "url"],
        ["request"] = ["topic", "type", "data", "timeout", "reply-topic", "json", "protocol", "url"],
        ["health"] = ["watch", "json", "timeout", "url"],
        ["simulate"] = ["home", "scale", "offline", "misbehave", "url", "verbose"],
        ["devices"] = ["watch", "json", "prefix", "url", "verbose"],
        ["set"] = ["timeout", "prefix", "url", "verbose"],
        ["dashboard"] = ["port", "host", "token", "prefix", "url", "verbose"],
        ["bench"] = ["count", "qos", "size", "url", "verbose"],
    };

    /// <summary>Fails, naming the argument, on an option <paramref name="args"/>'s command does not have or a stray
    /// positional argument (a command other than <c>set</c> takes none; a flag such as <c>--watch</c> takes no value).</summary>
    public static void ThrowIfUndeclared(CommandArguments args)
    {
        if (!OptionsOf.TryGetValue(args.Command, out var declared))
        {
            return;
        }

        var unknown = args.OptionNames.Where(o => !declared.Contains(o, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException(
                $"Unknown option{(unknown.Count > 1 ? "s" : string.Empty)} for '{args.Command}': {string.Join(", ", unknown.Select(u => "--" + u))} " +
                $"({args.Command} takes {string.Join(", ", declared.Select(d => "--" + d))}; see 'switchboard {args.Command} --help').");
        }

        if (args.Command != "set" && args.Positionals.Count > 0)
        {
            throw new UsageException(
                $"Unexpected argument '{args.Positionals[0]}' for '{args.Command}': it takes only options (a flag such as --json or --watch takes no value); see 'switchboard {args.Command} --help'.");
        }
    }

    /// <summary>More for one command's help than fits its summary line.</summary>
    private static readonly Dictionary<string, string> Details = new()
    {
        ["broker"] =
            "The broker is MQTTnet's server (MQTT 3.1.1 and 5; QoS 0, 1 and 2, retained messages, wills), tested with mosquitto_pub/sub, " +
            "paho-mqtt, asyncio-mqtt and MQTT.js. A client that sends an empty client id gets one assigned (under MQTT 5 in the CONNACK).\n" +
            "Not supported: shared subscriptions. A $share/<group>/<filter> subscription is refused: SUBACK 0x9E (Shared Subscriptions not " +
            "supported) under MQTT 5, whose CONNACK says Shared Subscription Available = 0, and 0x80 (failure) under 3.1.1. " +
            "Use Mosquitto (or another broker) for them.",
    };

    private const string Common = "Every command takes [cyan]--url mqtt://host:1883[/] or reads [cyan]MQTT_URL[/] (and the other MQTT_* variables). Exit codes: 0 ok, 1 failed, 2 usage, 3 connection.";

    /// <summary>True for a command this tool has.</summary>
    public static bool Knows(string command) => Commands.Any(c => c.Name == command);

    /// <summary>The tool's version, from its assembly.</summary>
    public static string Version =>
        typeof(CommandHelp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(CommandHelp).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>All commands.</summary>
    public static int PrintAll()
    {
        AnsiConsole.MarkupLine($"[bold]switchboard[/] {Markup.Escape(Version)} — the MQTT layer for .NET services");
        var table = new Table().AddColumns("command", "what it does");
        foreach (var (_, usage, summary) in Commands)
        {
            table.AddRow(Markup.Escape(usage), Markup.Escape(summary));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[cyan]switchboard <command> --help[/] for one command; [cyan]switchboard --version[/] for the version.");
        AnsiConsole.MarkupLine(Common);
        return ExitCodes.Ok;
    }

    /// <summary>One command's usage.</summary>
    public static int Print(string command)
    {
        var (_, usage, summary) = Commands.Single(c => c.Name == command);
        AnsiConsole.MarkupLine($"usage: [bold]switchboard {Markup.Escape(usage)}[/]");
        AnsiConsole.MarkupLine(Markup.Escape(summary));
        if (Details.TryGetValue(command, out var details))
        {
            AnsiConsole.MarkupLine(Markup.Escape(details));
        }

        AnsiConsole.MarkupLine(Common);
        return ExitCodes.Ok;
    }
}
