using System.Text.Json;
using Spectre.Console;

namespace Switchboard.Cli.Commands;

/// <summary><c>switchboard pub --topic t --message m [--qos 1] [--retain] [--type event.type]</c>: publishes one message
/// (or, with <c>--type</c>, an envelope whose data is the JSON object in <c>--message</c>) and waits for the ack.</summary>
internal static class PubCommand
{
    public static async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var url = ClientFactory.ResolveUrl(args) ?? throw new UsageException("pub needs a broker: pass --url mqtt://host:1883 or set MQTT_URL.");
        var topic = args.Require("topic", "the topic to publish to");
        var message = args.Get("message") ?? (Console.IsInputRedirected ? await Console.In.ReadToEndAsync(cancellationToken) : throw new UsageException("--message is required (or pipe the payload on stdin)."));
        var qos = args.Qos();
        var retain = args.Flag("retain");
        var type = args.Get("type");
        var timeout = args.Seconds("timeout", 10);
        args.ThrowIfUnknown();

        await using var client = new SwitchboardClient(ClientFactory.Options(url, "switchboard-pub"));
        await client.ConnectAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeout));
        if (type is null)
        {
            await client.PublishAsync(topic, message, qos, retain, deadline.Token);
            AnsiConsole.MarkupLineInterpolated($"[green]published[/] {topic} ({message.Length} chars, QoS {(int)qos}{(retain ? ", retained" : string.Empty)})");
            return ExitCodes.Ok;
        }

        JsonElement data;
        try
        {
            data = JsonDocument.Parse(message).RootElement;
        }
        catch (JsonException ex)
        {
            throw new UsageException($"--message must be a JSON object when --type is given: {ex.Message}");
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new UsageException("--message must be a JSON object when --type is given (it becomes the envelope's data).");
        }

        var id = await client.PublishEventAsync(topic, type, data, CliJsonContext.Default.JsonElement, qos: qos, retain: retain, cancellationToken: deadline.Token);
        AnsiConsole.MarkupLineInterpolated($"[green]published[/] {type} envelope {id} to {topic}");
        return ExitCodes.Ok;
    }
}
