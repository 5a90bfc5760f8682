using Microsoft.Extensions.Logging;

namespace Switchboard.Cli;

/// <summary>Builds clients for the commands: <c>--url</c>, else <c>MQTT_URL</c>, with the rest of the MQTT_* settings.</summary>
internal static class ClientFactory
{
    public static string? ResolveUrl(CommandArguments args) => args.Get("url") ?? Environment.GetEnvironmentVariable(OptionKeys.Url) switch
    {
        { Length: > 0 } url => url,
        _ => null,
    };

    // The settings a command takes from the environment: how to reach a real broker (TLS with a private CA,
    // credentials, protocol, timings). Not the service's identity or state: a shell that sets MQTT_CLIENT_ID or
    // MQTT_OUTBOX_PATH for a service must not make a CLI command take over that service's session or outbox file.
    private static readonly HashSet<string> ConnectionVariables = new(StringComparer.Ordinal)
    {
        OptionKeys.TlsCaFile, OptionKeys.TlsCertFile, OptionKeys.TlsKeyFile, OptionKeys.TlsInsecure, OptionKeys.Username,
        OptionKeys.Password, OptionKeys.Protocol, OptionKeys.KeepAlive, OptionKeys.ConnectTimeout,
    };

    /// <exception cref="SwitchboardConfigurationException">One of those variables is malformed (the message names it).</exception>
    public static SwitchboardOptions Options(string url, string clientIdPrefix)
    {
        var options = new SwitchboardOptions
        {
            KeepAlive = TimeSpan.FromSeconds(15),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        options.ApplyEnvironment(key => ConnectionVariables.Contains(key) ? Environment.GetEnvironmentVariable(key) : null);
        options.Url = url;
        options.ClientId = $"{clientIdPrefix}-{Environment.ProcessId}-{Random.Shared.Next(1000, 9999)}";
        return options;
    }

    public static ILoggerFactory Logging(bool verbose) => LoggerFactory.Create(b =>
    {
        b.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning);
        b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
    });

    /// <summary>
    /// Logging for commands whose stdout is data (tables, JSON): everything on stderr, and only errors unless
    /// <paramref name="verbose"/> (a misbehaving device on the broker is reported in the output, not as log noise).
    /// </summary>
    public static ILoggerFactory StderrLogging(bool verbose) => LoggerFactory.Create(b =>
    {
        b.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Error);
        b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    });
}
