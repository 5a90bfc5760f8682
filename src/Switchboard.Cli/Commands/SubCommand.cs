using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Spectre.Console;

namespace Switchboard.Cli.Commands;

/// <summary><c>switchboard sub --topic filter [--count n] [--timeout s] [--json]</c>: prints messages as they arrive;
/// envelopes are pretty-printed, <c>--json</c> writes one JSON object per line for scripts.</summary>
internal static class SubCommand
{
    public static async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var url = ClientFactory.ResolveUrl(args) ?? throw new UsageException("sub needs a broker: pass --url mqtt://host:1883 or set MQTT_URL.");
        var filter = args.Get("topic") ?? "#";
        var count = args.Int("count", 0, 0, int.MaxValue);
        var timeout = args.Seconds("timeout", 0);
        var json = args.Flag("json");
        var qos = args.Qos();
        args.ThrowIfUnknown();

        var received = Channel.CreateUnbounded<MqttMessage>();
        await using var client = new SwitchboardClient(ClientFactory.Options(url, "switchboard-sub"));
        await client.ConnectAsync(cancellationToken);
        await using var subscription = await client.SubscribeAsync(filter, (m, _) => received.Writer.WriteAsync(m, CancellationToken.None), qos, cancellationToken);
        if (!json)
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]subscribed to {filter} on {url}; Ctrl+C to stop[/]");
        }

        // --json output is for scripts: announce readiness on stderr so stdout stays pure JSON lines.
        Console.Error.WriteLine($"ready {filter}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout > 0)
        {
            deadline.CancelAfter(TimeSpan.FromSeconds(timeout));
        }

        var seen = 0;
        try
        {
            await foreach (var message in received.Reader.ReadAllAsync(deadline.Token))
            {
                if (json)
                {
                    Console.Out.WriteLine(ToJsonLine(message));
                }
                else
                {
                    Print(message);
                }

                if (count > 0 && ++seen >= count)
                {
                    return ExitCodes.Ok;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (count > 0)
            {
                Console.Error.WriteLine($"error: only {seen} of {count} message(s) arrived within {timeout} s.");
                return ExitCodes.Failed;
            }
        }

        return ExitCodes.Ok;
    }

    private static string ToJsonLine(MqttMessage message)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("topic", message.Topic);
            writer.WriteNumber("qos", (int)message.Qos);
            writer.WriteBoolean("retain", message.Retain);
            if (IsJson(message.Payload, out var element))
            {
                writer.WritePropertyName("payload");
                element.WriteTo(writer);
            }
            else
            {
                writer.WriteString("payload", Encoding.UTF8.GetString(message.Payload.Span));
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Print(MqttMessage message)
    {
        var header = $"[bold]{Markup.Escape(message.Topic)}[/] [grey]QoS {(int)message.Qos}{(message.Retain ? " retained" : string.Empty)}[/]";
        if (EnvelopeView.TryFormat(message.Payload, out var envelope))
        {
            AnsiConsole.MarkupLine($"{header} {envelope}");
        }
        else
        {
            AnsiConsole.MarkupLine($"{header} {Markup.Escape(message.PayloadAsString())}");
        }
    }

    private static bool IsJson(ReadOnlyMemory<byte> payload, out JsonElement element)
    {
        element = default;
        try
        {
            element = JsonDocument.Parse(payload).RootElement;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
