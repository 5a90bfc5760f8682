namespace Switchboard.IntegrationTests.Brokers;

/// <summary>How a test broker is configured. The default is an anonymous, non-persistent broker on a free port.</summary>
public sealed record BrokerOptions
{
    /// <summary>The default: anonymous access, no persistence, a free loopback port.</summary>
    public static BrokerOptions Default { get; } = new();

    /// <summary>
    /// When set (together with <see cref="Password"/>), anonymous clients are refused and only this user name with
    /// this password is accepted.
    /// </summary>
    public string? Username { get; init; }

    /// <summary>The password for <see cref="Username"/>.</summary>
    public string? Password { get; init; }

    /// <summary>
    /// Keep broker state (sessions, queued messages, retained messages) across stop, kill and restart.
    /// Mosquitto: <c>persistence true</c>, saved on every change, in a directory that lives as long as the broker
    /// object. MQTTnet: the same server instance is restarted, and retained messages are carried over.
    /// Without it, a restart starts from an empty broker.
    /// </summary>
    public bool Persistence { get; init; }

    /// <summary>
    /// With <see cref="Persistence"/>: a directory to keep the database in (in a folder of its own, deleted with the
    /// broker) instead of the broker's temp directory; null means the temp directory. Point it at a tmpfs such as
    /// <c>/dev/shm</c> for a steady high message rate: Mosquitto saves after every change and fsyncs each save, so
    /// on a disk the fsync rate caps the message rate. A tmpfs still survives the broker's SIGKILL.
    /// </summary>
    public string? PersistenceParent { get; init; }

    /// <summary>A fixed loopback port, or null to pick a free one (see <see cref="FreePort"/>).</summary>
    public int? Port { get; init; }

    /// <summary>Extra Mosquitto configuration appended verbatim (e.g. a TLS or WebSocket <c>listener</c> block).
    /// Ignored by the embedded broker.</summary>
    public string? ExtraConfig { get; init; }

    /// <summary>
    /// The DNS names and IP addresses the TLS listeners' server certificate is valid for; null means
    /// <see cref="TestCertificates.DefaultServerNames"/> (<c>localhost</c> and <c>127.0.0.1</c>).
    /// </summary>
    public IReadOnlyList<string>? TlsServerNames { get; init; }

    /// <summary>True when clients must authenticate.</summary>
    public bool RequiresCredentials => Username is not null;

    internal void Validate()
    {
        if ((Username is null) != (Password is null))
        {
            throw new ArgumentException("BrokerOptions.Username and BrokerOptions.Password must be set together.");
        }

        if (Username is not null && (Username.Length == 0 || Username.Contains(':', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"BrokerOptions.Username '{Username}' must be non-empty and must not contain ':'.");
        }

        if (Port is { } port && (port <= 0 || port > 65535))
        {
            throw new ArgumentException($"BrokerOptions.Port {port} is not a valid TCP port.");
        }
    }
}
