using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Dashboard.Home;
using Switchboard.Dashboard.Services;
using Switchboard.Dashboard.Traffic;
using Switchboard.Dashboard.Web;
using Switchboard.HomeAssistant;

namespace Switchboard.Dashboard;

/// <summary>
/// A live web page for an MQTT installation, served by ASP.NET Core from this process: the Home Assistant devices a
/// <see cref="HomeAssistantRegistry"/> finds, grouped by area, with their state and controls; every service that
/// publishes Switchboard health and heartbeats; and the traffic (a topic tree with counts, rates and last payloads, a
/// messages-per-second chart, a filterable message stream). Changes are pushed to the page with server-sent events.
/// Listens on loopback unless <see cref="DashboardOptions.Host"/> says otherwise; everything it keeps is bounded.
/// </summary>
public sealed partial class SwitchboardDashboard : IAsyncDisposable
{
    private readonly SwitchboardClient _client;
    private readonly HomeAssistantRegistry _registry;
    private readonly DashboardOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TrafficMonitor _traffic;
    private readonly ServiceMonitor _services;
    private readonly HomeMonitor _home;
    private readonly DashboardFeed _feed;
    private DashboardFeed? _feedOrNull;
    private readonly CommandRunner _commands;
    private readonly List<Subscription> _subscriptions = [];
    private ITimer? _rateTimer;
    private WebApplication? _app;
    private int _started;

    /// <summary>Creates a dashboard over a connected (or connecting) client and a registry on it; call
    /// <see cref="StartAsync"/> to serve it.</summary>
    /// <param name="client">The connection the dashboard subscribes with (traffic, health, heartbeats).</param>
    /// <param name="registry">The Home Assistant registry whose entities the page shows and controls; started or not.</param>
    /// <param name="options">Where to listen and the caps; a copy is taken and validated.</param>
    /// <param name="loggerFactory">Where the dashboard's own logs go.</param>
    /// <param name="timeProvider">The clock for ages, rates and the push schedule.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public SwitchboardDashboard(SwitchboardClient client, HomeAssistantRegistry registry, DashboardOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(registry);
        _client = client;
        _registry = registry;
        _options = (options ?? new DashboardOptions()).Clone();
        _options.Validate();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Switchboard.Dashboard");
        _time = timeProvider ?? TimeProvider.System;
        _traffic = new TrafficMonitor(_options.MaxTopics, _options.MaxStreamMessages, _options.MaxPayloadBytes);
        _services = new ServiceMonitor(_options.DefaultHeartbeatInterval, _time);
        _home = new HomeMonitor(registry, WakePages);
        _feed = new DashboardFeed(client, _home, _services, _traffic, _options, _time);
        Volatile.Write(ref _feedOrNull, _feed);
        _commands = new CommandRunner(_home, client, _options.CommandTimeout, _time);
        client.StateChanged += OnConnectionChanged;
    }

    /// <summary>The page's address once <see cref="StartAsync"/> has completed (with the real port when
    /// <see cref="DashboardOptions.Port"/> is 0). It does not carry the token.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Subscribes to the traffic, health and heartbeat topics and starts the web server.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="IOException">The address is taken or cannot be bound.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The dashboard has already been started.");
        }

        // QoS 0: the dashboard watches; it must never hold the broker's window or ask for redelivery.
        _subscriptions.Add(await _client.SubscribeAsync(_options.TrafficFilter, OnTraffic, Qos.AtMostOnce, cancellationToken).ConfigureAwait(false));
        _subscriptions.Add(await _client.SubscribeAsync(ServiceMonitor.HealthFilter, OnHealth, Qos.AtMostOnce, cancellationToken).ConfigureAwait(false));
        _subscriptions.Add(await _client.SubscribeAsync(ServiceMonitor.HeartbeatFilter, OnHeartbeat, Qos.AtMostOnce, cancellationToken).ConfigureAwait(false));
        _rateTimer = _time.CreateTimer(static state => ((SwitchboardDashboard)state!).SampleRate(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        _app = Build();
        try
        {
            await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new IOException($"The dashboard cannot listen on {_options.Host}:{_options.Port}: {ex.Message}", ex);
        }

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal) + "/");
        Log.Listening(_logger, Url, _options.Token is not null);
    }

    private WebApplication Build()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Switchboard.Dashboard", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(_options.ListenAddress, _options.Port));
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = CsrfHeader;
            // Cookies are per host, not per port: each dashboard on a machine needs its own (its keys are its own).
            o.Cookie.Name = "switchboard_dashboard_csrf_" + (_options.Port != 0 ? _options.Port.ToString(CultureInfo.InvariantCulture) : RandomNumberGenerator.GetHexString(8, lowercase: true));
            o.Cookie.SameSite = SameSiteMode.Strict;
        });

        var app = builder.Build();
        var guard = new AccessGuard(_options.Token, _options.ListenAddress);
        app.Use(guard.InvokeAsync);
        var assets = new StaticAssets();
        app.MapGet("/", context => assets.ServeAsync(context, "/index.html"));
        foreach (var path in assets.Paths)
        {
            app.MapGet(path, context => assets.ServeAsync(context, path));
        }

        app.MapGet("/api/session", SessionAsync);
        app.MapGet("/api/events", context => EventStream.RunAsync(context, _feed, _time, app.Lifetime.ApplicationStopping));
        app.MapPost("/api/command", CommandAsync);
        return app;
    }

    private const string CsrfHeader = "X-Switchboard-Csrf";

    private static Task SessionAsync(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return WriteJsonAsync(context, StatusCodes.Status200OK, new SessionInfo(tokens.RequestToken!, CsrfHeader), DashboardJsonContext.Default.SessionInfo);
    }

    private async Task CommandAsync(HttpContext context)
    {
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, new CommandResult(false, "The control was refused: its anti-forgery token is missing or stale. Reload the page."), DashboardJsonContext.Default.CommandResult).ConfigureAwait(false);
            return;
        }

        CommandRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, DashboardJsonContext.Default.CommandRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, new CommandResult(false, $"The control is not valid JSON: {ex.Message}"), DashboardJsonContext.Default.CommandResult).ConfigureAwait(false);
            return;
        }

        var (status, result) = await RunCommandAsync(request ?? new CommandRequest(null, null), context.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(context, status, result, DashboardJsonContext.Default.CommandResult).ConfigureAwait(false);
    }

    private async Task<(int Status, CommandResult Result)> RunCommandAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await _commands.RunAsync(request, cancellationToken).ConfigureAwait(false);
            Log.CommandSent(_logger, request.Action, request.Id);
            return (StatusCodes.Status200OK, new CommandResult(true));
        }
        catch (CommandRunner.BadRequestException ex)
        {
            return (StatusCodes.Status400BadRequest, new CommandResult(false, ex.Message));
        }
        catch (Exception ex) when (ex is SwitchboardException or InvalidOperationException or TimeoutException or ArgumentException)
        {
            // CommandTemplateException (a template that cannot render) is an InvalidOperationException: nothing was sent.
            Log.CommandFailed(_logger, request.Action, request.Id, ex.Message);
            return (StatusCodes.Status502BadGateway, new CommandResult(false, ex.Message));
        }
    }

    private static async Task WriteJsonAsync<T>(HttpContext context, int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, typeInfo, context.RequestAborted).ConfigureAwait(false);
    }

    private ValueTask OnTraffic(MqttMessage message, CancellationToken cancellationToken)
    {
        _traffic.Record(message, _time.GetUtcNow());
        return ValueTask.CompletedTask;
    }

    private ValueTask OnHealth(MqttMessage message, CancellationToken cancellationToken)
    {
        _services.OnHealth(message);
        _feed.Signal();
        return ValueTask.CompletedTask;
    }

    private ValueTask OnHeartbeat(MqttMessage message, CancellationToken cancellationToken)
    {
        _services.OnHeartbeat(message);
        _feed.Signal();
        return ValueTask.CompletedTask;
    }

    private void SampleRate() => _traffic.Sample(_time.GetUtcNow());

    private void OnConnectionChanged(object? sender, ConnectionStateChangedEventArgs e) => _feed.Signal();

    /// <summary>Registry events wake the pages. The monitor follows the registry from its constructor on, before the
    /// feed exists: an event in between has no page to wake.</summary>
    private void WakePages() => Volatile.Read(ref _feedOrNull)?.Signal();

    /// <summary>Stops the web server (open pages see the connection drop and retry) and unsubscribes. The client and
    /// the registry stay as they were: they belong to the caller.</summary>
    public async ValueTask DisposeAsync()
    {
        _client.StateChanged -= OnConnectionChanged;
        _home.Dispose();
        if (_rateTimer is not null)
        {
            await _rateTimer.DisposeAsync().ConfigureAwait(false);
        }

        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(stop.Token).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var subscription in _subscriptions)
        {
            try
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SwitchboardException or ObjectDisposedException or OperationCanceledException)
            {
                // The client may already be shut down; its subscriptions went with it.
            }
        }
    }
}
