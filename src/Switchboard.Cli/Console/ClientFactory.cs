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

    public static SwitchboardOptions Options(string url, string clientIdPrefix)
    {
        var options = new SwitchboardOptions
        {
            Url = url,
            ClientId = $"{clientIdPrefix}-{Environment.ProcessId}-{Random.Shared.Next(1000, 9999)}",
            KeepAlive = TimeSpan.FromSeconds(15),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            // The connection settings a command needs against a real broker (TLS with a private CA, credentials).
            TlsCaFile = Variable(OptionKeys.TlsCaFile),
            TlsCertFile = Variable(OptionKeys.TlsCertFile),
            TlsKeyFile = Variable(OptionKeys.TlsKeyFile),
            TlsInsecure = Variable(OptionKeys.TlsInsecure) is { } insecure && insecure.Trim().ToLowerInvariant() is "true" or "1" or "yes" or "on",
            Username = Variable(OptionKeys.Username),
            Password = Variable(OptionKeys.Password),
        };
        if (Variable(OptionKeys.Protocol) is "3.1.1" or "311" or "4")
        {
            options.Protocol = MqttProtocol.V311;
        }

        return options;
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

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
