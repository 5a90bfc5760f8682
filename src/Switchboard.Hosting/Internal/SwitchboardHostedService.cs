using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Switchboard.Hosting.Internal;

/// <summary>
/// Runs the shared client with the host: in <see cref="StartAsync"/> it registers the DI subscriptions (made on the
/// first connect, so nothing published after start is missed) and connects, so the application starts only once the
/// client is connected; <see cref="StopAsync"/> publishes the shutdown health, drains the queue within the host's
/// token and disconnects. A fatal fault stops the application when <see cref="SwitchboardHostingOptions.StopApplicationOnFault"/> is set.
/// </summary>
internal sealed partial class SwitchboardHostedService(
    IServiceProvider services,
    IOptions<SwitchboardHostingOptions> hostingOptions,
    IEnumerable<SubscriptionRegistration> registrations) : IHostedService
{
    private readonly ILogger _logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Switchboard.Hosting");
    private readonly List<Subscription> _subscriptions = [];
    private SwitchboardClient? _client;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = hostingOptions.Value;
        if (options.StartTimeout is { } t && t <= TimeSpan.Zero)
        {
            throw new SwitchboardConfigurationException("Switchboard:Hosting:StartTimeout", t.ToString(), $"Switchboard:Hosting:StartTimeout={t} must be positive (or unset for no limit).");
        }

        var client = services.GetRequiredService<SwitchboardClient>();
        _client = client;
        client.StateChanged += OnStateChanged;
        foreach (var registration in registrations)
        {
            _subscriptions.Add(await registration.SubscribeAsync(client, services, cancellationToken).ConfigureAwait(false));
        }

        using var timeout = options.StartTimeout is { } limit
            ? new CancellationTokenSource(limit, services.GetService<TimeProvider>() ?? TimeProvider.System)
            : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Log.Connecting(_logger, client.ClientId, _subscriptions.Count);
        try
        {
            await client.ConnectAsync(linked?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The MQTT client '{client.ClientId}' did not connect within Switchboard:Hosting:StartTimeout ({options.StartTimeout!.Value.TotalSeconds:0.###} s); last error: {client.GetStats().LastError ?? "none"}.");
        }

        Log.Connected(_logger, client.ClientId);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var client = _client;
        if (client is null)
        {
            return;
        }

        client.StateChanged -= OnStateChanged;
        Log.Stopping(_logger, client.ClientId);
        await client.ShutdownAsync(drainTimeout: null, cancellationToken).ConfigureAwait(false);
        _subscriptions.Clear();
    }

    private void OnStateChanged(object? sender, ConnectionStateChangedEventArgs e)
    {
        if (e.Current != ConnectionState.Faulted)
        {
            return;
        }

        var stop = hostingOptions.Value.StopApplicationOnFault;
        Log.Faulted(_logger, _client?.ClientId ?? "?", stop, e.Error);
        if (stop)
        {
            services.GetService<IHostApplicationLifetime>()?.StopApplication();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "Connecting", Level = LogLevel.Debug, Message = "Connecting MQTT client '{ClientId}' with {SubscriptionCount} DI subscription(s)")]
        public static partial void Connecting(ILogger logger, string clientId, int subscriptionCount);

        [LoggerMessage(EventId = 2, EventName = "Connected", Level = LogLevel.Information, Message = "MQTT client '{ClientId}' connected")]
        public static partial void Connected(ILogger logger, string clientId);

        [LoggerMessage(EventId = 3, EventName = "Stopping", Level = LogLevel.Information, Message = "MQTT client '{ClientId}' shutting down: shutdown health, drain, disconnect")]
        public static partial void Stopping(ILogger logger, string clientId);

        [LoggerMessage(EventId = 4, EventName = "Faulted", Level = LogLevel.Critical, Message = "MQTT client '{ClientId}' faulted and stopped reconnecting; stopping the application: {StopApplication}")]
        public static partial void Faulted(ILogger logger, string clientId, bool stopApplication, Exception? error);
    }
}
