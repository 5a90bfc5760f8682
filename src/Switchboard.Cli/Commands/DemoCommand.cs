using System.Collections.Concurrent;
using System.Diagnostics;
using Spectre.Console;
using Switchboard.HomeAssistant;
using Switchboard.Simulator;

namespace Switchboard.Cli.Commands;

/// <summary>
/// <c>switchboard demo [--keep-running]</c>: zero setup. Starts the embedded broker and a simulated home, discovers it
/// with a Home Assistant registry and turns a light on through it, runs two services that exchange envelopes and a
/// request/response, watches their health (including the shutdown), prints what happened, exits 0.
/// </summary>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var withDashboard = args.Flag("dashboard");
        var keepRunning = args.Flag("keep-running") || withDashboard;
        var dashboardOptions = withDashboard ? DashboardCommand.ReadOptions(args) : null;
        var url = args.Get("url");
        var verbose = args.Flag("verbose");
        args.ThrowIfUnknown();

        var clock = Stopwatch.StartNew();
        await using var broker = url is null ? await EmbeddedBroker.StartAsync() : null;
        url ??= broker!.Url;
        AnsiConsole.MarkupLineInterpolated($"[bold]Switchboard demo[/] — broker {(broker is null ? "at" : "embedded at")} [cyan]{url}[/]");
        using var logging = ClientFactory.Logging(verbose);
        var events = new ConcurrentQueue<(TimeSpan At, string Who, string What)>();
        void Note(string who, string what) => events.Enqueue((clock.Elapsed, who, what));

        // A simulated home announces itself through Home Assistant discovery; a registry finds it and drives a light.
        await using var homeClient = new SwitchboardClient(Options(url, "simulated-home", health: true), logging);
        await homeClient.ConnectAsync(cancellationToken);
        await using var home = new SimulatedHome(homeClient, DefaultHome.Create(), loggerFactory: logging);
        await home.StartAsync(cancellationToken);
        await using var brainClient = new SwitchboardClient(Options(url, "house-brain", health: false), logging);
        await brainClient.ConnectAsync(cancellationToken);
        await using var registry = new HomeAssistantRegistry(brainClient, loggerFactory: logging);
        await registry.StartAsync(cancellationToken);
        await using var dashboard = dashboardOptions is null ? null : await DashboardCommand.StartAsync(brainClient, registry, dashboardOptions, logging, cancellationToken);
        await HomeView.SettleAsync(registry, HomeView.MaxSettle, cancellationToken);
        var entities = HomeView.ByEntityId(registry);
        AnsiConsole.Write(HomeView.Table(entities, $"Simulated home: {entities.Count} entities discovered by the registry"));
        var lightOk = false;
        if (entities.TryGetValue("light.kitchen", out var kitchen))
        {
            AnsiConsole.MarkupLineInterpolated($"light.kitchen before: [yellow]{HomeView.StateText(kitchen)}[/]; turning it on at brightness 180, 2700 K through the registry …");
            await kitchen.AsLight().TurnOnAsync(new LightCommand { Brightness = 180, ColorTempKelvin = 2700 }, cancellationToken);
            using var lightDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lightDeadline.CancelAfter(TimeSpan.FromSeconds(5));
            var state = await kitchen.WaitForStateAsync(s => s.IsOn == true && s.Brightness == 180, lightDeadline.Token);
            lightOk = true;
            AnsiConsole.MarkupLineInterpolated($"light.kitchen after:  [green]{HomeView.StateText(kitchen)}[/] (reported by the simulated light, {state.ColorMode})");
        }

        // A monitor that sees every service's health, as an operator's dashboard would.
        var healthSeen = new ConcurrentDictionary<string, string>();
        var shutdownSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var monitor = new SwitchboardClient(Options(url, "demo-monitor", health: false), logging);
        await monitor.ConnectAsync(cancellationToken);
        await monitor.SubscribeEventsAsync("system/health/+", (Envelope<HealthStatusMessage> e, CancellationToken _) =>
        {
            healthSeen[e.Source] = $"{(e.Data.Ok ? "ok" : "not ok")} ({e.Data.Event})";
            Note("monitor", $"health of {e.Source}: ok={e.Data.Ok} event={e.Data.Event}");
            if (e.Source == "memory-worker" && e.Data.Event == "shutdown")
            {
                shutdownSeen.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }, CliJsonContext.Default.HealthStatusMessage, Qos.AtLeastOnce, cancellationToken);

        // memory-worker: remembers what was said and answers queries, like the Python service of source write-up 001.
        var memory = new ConcurrentQueue<string>();
        var remembered = new SemaphoreSlim(0);
        var worker = new SwitchboardClient(Options(url, "memory-worker", health: true), logging);
        await worker.ConnectAsync(cancellationToken);
        await worker.SubscribeEventsAsync("stt/final", (Envelope<SpeechText> e, CancellationToken _) =>
        {
            memory.Enqueue(e.Data.Text);
            Note("memory-worker", $"remembered \"{e.Data.Text}\" ({e.Type} from {e.Source})");
            remembered.Release();
            return ValueTask.CompletedTask;
        }, CliJsonContext.Default.SpeechText, Qos.AtLeastOnce, cancellationToken);
        await worker.RespondAsync("memory/query", "memory.query.result", (Envelope<MemoryQuery> q, CancellationToken _) =>
        {
            var hits = memory.Where(m => m.Contains(q.Data.Query, StringComparison.OrdinalIgnoreCase)).Take(q.Data.TopK).ToList();
            Note("memory-worker", $"answered query \"{q.Data.Query}\" with {hits.Count} result(s)");
            return ValueTask.FromResult(new MemoryResult(q.Data.Query, hits));
        }, CliJsonContext.Default.MemoryQuery, CliJsonContext.Default.MemoryResult, cancellationToken: cancellationToken);

        // assistant: publishes what it heard, then asks the worker.
        await using var assistant = new SwitchboardClient(Options(url, "assistant", health: true), logging);
        await assistant.ConnectAsync(cancellationToken);
        string[] said = ["turn on the kitchen light", "what is the weather", "dim the kitchen light to 30 percent"];
        foreach (var text in said)
        {
            var id = await assistant.PublishEventAsync("stt/final", "stt.final", new SpeechText(text), CliJsonContext.Default.SpeechText, cancellationToken: cancellationToken);
            Note("assistant", $"published stt.final {id[..8]}… \"{text}\"");
        }

        for (var i = 0; i < said.Length; i++)
        {
            await remembered.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }

        var reply = await assistant.RequestAsync("memory/query", "memory.query", new MemoryQuery("kitchen", 5), CliJsonContext.Default.MemoryQuery, CliJsonContext.Default.MemoryResult, TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
        Note("assistant", $"got {reply.Type} ({reply.Data.Results.Count} result(s)) correlated to its request {reply.Id[..8]}…");

        if (keepRunning)
        {
            AnsiConsole.MarkupLine(dashboard is null ? "[grey]services running[/]" : $"[grey]services running; the dashboard is at[/] [cyan]{Markup.Escape(dashboard.Url.ToString())}[/]");
            await DashboardCommand.WaitForCtrlCAsync(cancellationToken);
        }

        var workerStats = worker.GetStats();
        await worker.ShutdownAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        await shutdownSeen.Task.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        var timeline = new Table().Title("What happened").AddColumns("t (ms)", "service", "event");
        foreach (var (at, who, what) in events.OrderBy(e => e.At))
        {
            timeline.AddRow(at.TotalMilliseconds.ToString("0"), Markup.Escape(who), Markup.Escape(what));
        }

        AnsiConsole.Write(timeline);
        var answer = new Table().Title("Request/response: memory.query \"kitchen\"").AddColumns("#", "result");
        for (var i = 0; i < reply.Data.Results.Count; i++)
        {
            answer.AddRow((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(reply.Data.Results[i]));
        }

        AnsiConsole.Write(answer);
        var health = new Table().Title("Health (system/health/+)").AddColumns("service", "last status");
        foreach (var (service, status) in healthSeen.OrderBy(h => h.Key))
        {
            health.AddRow(Markup.Escape(service), Markup.Escape(status));
        }

        AnsiConsole.Write(health);
        var stats = assistant.GetStats();
        AnsiConsole.Write(new Table().Title("Client stats").AddColumns("client", "published", "received", "dropped", "errors", "reconnects", "state")
            .AddRow("assistant", stats.Published.ToString(), stats.Received.ToString(), stats.Dropped.ToString(), stats.PublishErrors.ToString(), stats.Reconnects.ToString(), stats.State.ToString())
            .AddRow("memory-worker", workerStats.Published.ToString(), workerStats.Received.ToString(), workerStats.Dropped.ToString(), workerStats.PublishErrors.ToString(), workerStats.Reconnects.ToString(), workerStats.State.ToString()));
        var ok = reply.Data.Results.Count == 2 && healthSeen.Count >= 2 && lightOk;
        AnsiConsole.MarkupLine(ok ? "[green]demo finished: Home Assistant discovery and control, envelopes, request/response and health all worked[/]" : "[red]demo finished with unexpected results[/]");
        return ok ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static SwitchboardOptions Options(string url, string clientId, bool health) => new()
    {
        Url = url,
        ClientId = clientId,
        EnableHealth = health,
        EnableHeartbeat = health,
        HeartbeatInterval = TimeSpan.FromSeconds(5),
        KeepAlive = TimeSpan.FromSeconds(15),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>What the speech-to-text service heard.</summary>
    internal sealed record SpeechText(string Text);

    /// <summary>A memory query.</summary>
    internal sealed record MemoryQuery(string Query, int TopK);

    /// <summary>The memory worker's answer.</summary>
    internal sealed record MemoryResult(string Query, List<string> Results);
}
