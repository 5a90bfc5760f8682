using System.Net;

namespace Switchboard.Dashboard;

/// <summary>
/// Where the dashboard listens, who may use it and how much it keeps. Validated once, when the dashboard is created;
/// every error names the setting, the bad value and what is allowed.
/// </summary>
public sealed class DashboardOptions
{
    /// <summary>The address to listen on: an IP address or <c>localhost</c>. Loopback (<c>127.0.0.1</c>) by default, so
    /// only this machine can open the page unless told otherwise.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one (see <see cref="SwitchboardDashboard.Url"/>). Default 8080.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>When set, every request must carry it: <c>?token=…</c> once (it becomes a cookie), the cookie, or an
    /// <c>Authorization: Bearer …</c> header. Never logged.</summary>
    public string? Token { get; set; }

    /// <summary>Topics kept in the traffic tree (default 5,000); past it the least recently seen topic is evicted and
    /// counted.</summary>
    public int MaxTopics { get; set; } = 5_000;

    /// <summary>Messages kept in the live message stream (default 500); older ones are evicted and counted.</summary>
    public int MaxStreamMessages { get; set; } = 500;

    /// <summary>Payload bytes kept per message and per topic for display (default 4,096); the rest is cut and the
    /// original size shown.</summary>
    public int MaxPayloadBytes { get; set; } = 4_096;

    /// <summary>The traffic subscription; <c>#</c> by default (everything but <c>$SYS</c>).</summary>
    public string TrafficFilter { get; set; } = "#";

    /// <summary>How long a control waits for the broker to take its command before the page shows an error (default 5 s).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The heartbeat interval assumed for a service until two heartbeats show its real one (default 30 s, the
    /// client's own default).</summary>
    public TimeSpan DefaultHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    internal DashboardOptions Clone() => (DashboardOptions)MemberwiseClone();

    internal IPAddress ListenAddress =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(Host);

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host) || (!string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(Host, out _)))
        {
            throw new ArgumentException($"DashboardOptions.Host (--host) '{Host}' is not an IP address or 'localhost'.", nameof(Host));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"DashboardOptions.Port (--port) {Port} is not a TCP port (0-65535; 0 picks a free one).", nameof(Port));
        }

        if (Token is { } token && (token.Length < 8 || token.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException("DashboardOptions.Token (--token) must be at least 8 characters without spaces.", nameof(Token));
        }

        Check(MaxTopics, 10, 1_000_000, nameof(MaxTopics));
        Check(MaxStreamMessages, 10, 100_000, nameof(MaxStreamMessages));
        Check(MaxPayloadBytes, 64, 1 << 20, nameof(MaxPayloadBytes));
        if (string.IsNullOrEmpty(TrafficFilter))
        {
            throw new ArgumentException("DashboardOptions.TrafficFilter must not be empty ('#' for everything).", nameof(TrafficFilter));
        }

        if (CommandTimeout <= TimeSpan.Zero || DefaultHeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"DashboardOptions.CommandTimeout ({CommandTimeout}) and DefaultHeartbeatInterval ({DefaultHeartbeatInterval}) must be positive.");
        }
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException($"DashboardOptions.{name} {value} is out of range ({min}-{max}).", name);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Host={Host}, Port={Port}, Token={(Token is null ? "none" : "***")}, MaxTopics={MaxTopics}, MaxStreamMessages={MaxStreamMessages}";
}
