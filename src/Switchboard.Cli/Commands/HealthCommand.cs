using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Switchboard.Cli.Commands;

/// <summary><c>switchboard health [--watch] [--timeout s]</c>: the services on the broker, from their retained
/// <c>system/health/+</c> status and their <c>system/keepalive/+</c> heartbeats; <c>--watch</c> keeps a live table.
/// Exit code 1 when any service reports not ok.</summary>
internal static class HealthCommand
{
    public static async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var url = ClientFactory.ResolveUrl(args) ?? throw new UsageException("health needs a broker: pass --url mqtt://host:1883 or set MQTT_URL.");
        var watch = args.Flag("watch");
        var settle = args.Seconds("timeout", 1.5);
        var json = args.Flag("json");
        args.ThrowIfUnknown();

        var services = new ConcurrentDictionary<string, ServiceHealth>();
        var changed = new SemaphoreSlim(0);
        await using var client = new SwitchboardClient(ClientFactory.Options(url, "switchboard-health"));
        await client.ConnectAsync(cancellationToken);
        await using var health = await client.SubscribeEventsAsync("system/health/+", (Envelope<HealthStatusMessage> e, CancellationToken _) =>
        {
            var id = e.Message!.Topic["system/health/".Length..];
            services.AddOrUpdate(id, _ => new ServiceHealth(e.Data, null), (_, old) => old with { Status = e.Data });
            changed.Release();
            return ValueTask.CompletedTask;
        }, CliJsonContext.Default.HealthStatusMessage, Qos.AtLeastOnce, cancellationToken);
        await using var beats = await client.SubscribeAsync("system/keepalive/+", (m, _) =>
        {
            var id = m.Topic["system/keepalive/".Length..];
            services.AddOrUpdate(id, _ => new ServiceHealth(null, DateTimeOffset.UtcNow), (_, old) => old with { LastHeartbeat = DateTimeOffset.UtcNow });
            changed.Release();
            return ValueTask.CompletedTask;
        }, Qos.AtMostOnce, cancellationToken);

        if (!watch)
        {
            // Retained statuses arrive right after subscribing; stop once they have stopped coming.
            while (await changed.WaitAsync(TimeSpan.FromSeconds(Math.Min(settle, 0.3)), cancellationToken))
            {
            }

            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(services.ToDictionary(s => s.Key, s => s.Value.Status), CliJsonContext.Default.DictionaryStringHealthStatusMessage));
            }
            else
            {
                AnsiConsole.Write(Render(services));
            }

            return services.Values.Any(s => s.Status is { Ok: false }) ? ExitCodes.Failed : ExitCodes.Ok;
        }

        await AnsiConsole.Live(Render(services)).StartAsync(async live =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await changed.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                live.UpdateTarget(Render(services));
            }
        });
        return ExitCodes.Ok;
    }

    private static Table Render(ConcurrentDictionary<string, ServiceHealth> services)
    {
        var table = new Table().Title("Services").AddColumns("service", "ok", "event", "since", "heartbeat");
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, health) in services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var status = health.Status;
            var ok = status is null ? "[grey]?[/]" : status.Ok ? "[green]yes[/]" : "[red]no[/]";
            var since = status is null ? "-" : DateTimeOffset.FromUnixTimeMilliseconds((long)(status.Timestamp * 1000)).ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            var beat = health.LastHeartbeat is { } at ? $"{(now - at).TotalSeconds:0} s ago" : "-";
            table.AddRow(Markup.Escape(id), ok, Markup.Escape(status?.Event ?? "-"), since, beat);
        }

        if (services.IsEmpty)
        {
            table.AddRow("[grey](no service has published health yet)[/]", string.Empty, string.Empty, string.Empty, string.Empty);
        }

        return table;
    }

    private sealed record ServiceHealth(HealthStatusMessage? Status, DateTimeOffset? LastHeartbeat);
}
