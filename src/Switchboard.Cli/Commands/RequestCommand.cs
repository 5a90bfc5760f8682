using System.Text.Json;
using Spectre.Console;

namespace Switchboard.Cli.Commands;

/// <summary><c>switchboard request --topic t --type x [--data '{…}'] [--timeout s] [--reply-topic r] [--json]</c>: sends a
/// request envelope and prints the reply; exit code 1 when no reply arrives in time.</summary>
internal static class RequestCommand
{
    public static async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var url = ClientFactory.ResolveUrl(args) ?? throw new UsageException("request needs a broker: pass --url mqtt://host:1883 or set MQTT_URL.");
        var topic = args.Require("topic", "the topic the responder listens on");
        var type = args.Require("type", "the request's envelope type, e.g. memory.query");
        var raw = args.Get("data") ?? "{}";
        var timeout = args.Seconds("timeout", 10);
        var replyTopic = args.Get("reply-topic");
        var json = args.Flag("json");
        var protocol = args.Get("protocol");
        args.ThrowIfUnknown();

        JsonElement data;
        try
        {
            data = JsonDocument.Parse(raw).RootElement;
        }
        catch (JsonException ex)
        {
            throw new UsageException($"--data is not valid JSON: {ex.Message}");
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new UsageException("--data must be a JSON object (it becomes the envelope's data).");
        }

        var options = ClientFactory.Options(url, "switchboard-request");
        if (protocol is not null)
        {
            options.Protocol = protocol switch
            {
                "5" or "5.0" => MqttProtocol.V500,
                "3.1.1" or "311" => MqttProtocol.V311,
                _ => throw new UsageException($"--protocol '{protocol}' must be 5 or 3.1.1."),
            };
        }

        await using var client = new SwitchboardClient(options);
        await client.ConnectAsync(cancellationToken);
        var reply = await client.RequestAsync(topic, type, data, CliJsonContext.Default.JsonElement, CliJsonContext.Default.JsonElement, TimeSpan.FromSeconds(timeout), replyTopic, cancellationToken);
        if (json)
        {
            Console.Out.WriteLine(reply.Message!.PayloadAsString());
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"[green]{reply.Type}[/] from [yellow]{reply.Source}[/] (id {reply.Id})");
            AnsiConsole.WriteLine(JsonSerializer.Serialize(reply.Data, CliJsonContext.Default.JsonElement));
        }

        return ExitCodes.Ok;
    }
}
