using System.Text;
using System.Text.Json;

namespace Switchboard;

/// <summary>
/// Everything a <see cref="SwitchboardClient"/> needs: where the broker is, who the client is, and how it behaves.
/// Settable from code, from environment variables (<see cref="FromEnvironment()"/>) or from <c>IConfiguration</c>
/// (Switchboard.Hosting). The client validates a copy once, in its constructor; later changes have no effect.
/// </summary>
public sealed partial class SwitchboardOptions
{
    /// <summary>Broker URL: <c>mqtt://[user:pass@]host[:1883]</c>, <c>mqtts://…[:8883]</c>, <c>ws://host[:80]/mqtt</c>,
    /// <c>wss://…[:443]/mqtt</c>; or several, separated by commas (<c>mqtt://a:1883,mqtt://b:1883</c>), which the client
    /// tries in order: it stays on the one that works and moves to the next when that one fails (transient failures;
    /// a fatal refusal from any of them faults the client). Env: <c>MQTT_URL</c>.</summary>
    public string? Url { get; set; }

    /// <summary>MQTT client id; also names the health topic <c>system/health/{ClientId}</c>. Env: <c>MQTT_CLIENT_ID</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary><c>source</c> field of published envelopes; defaults to <see cref="ClientId"/>. Env: <c>MQTT_SOURCE_NAME</c>.</summary>
    public string? SourceName { get; set; }

    /// <summary>User name; overrides one given in <see cref="Url"/> when it is one URL, and is the default of the entries
    /// without their own when it is a list. Env: <c>MQTT_USERNAME</c>.</summary>
    public string? Username { get; set; }

    /// <summary>Password; overrides one given in <see cref="Url"/> when it is one URL, and is the default of the entries
    /// without their own when it is a list. Never printed. Env: <c>MQTT_PASSWORD</c>.</summary>
    public string? Password { get; set; }

    /// <summary>Application topic prefix (legacy <c>MQTT_TOPIC_PREFIX</c>, e.g. <c>smarthome</c>). Not applied to
    /// publishes automatically; the Home Assistant device helpers use it for <c>&lt;prefix&gt;/&lt;type&gt;/&lt;id&gt;/set</c>.</summary>
    public string? TopicPrefix { get; set; }

    /// <summary>Protocol version; 5.0 by default, with automatic fallback to 3.1.1 when the broker refuses 5.0.
    /// Env: <c>MQTT_PROTOCOL</c> (<c>5</c> or <c>3.1.1</c>).</summary>
    public MqttProtocol Protocol { get; set; } = MqttProtocol.V500;

    /// <summary>Keep-alive interval; also the dead-connection detection period. Zero disables both. Env: <c>MQTT_KEEPALIVE</c> (seconds).</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of one connection attempt (TCP + TLS + CONNACK). Env: <c>MQTT_CONNECT_TIMEOUT</c> (seconds).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Start with a clean session. Set false together with <see cref="SessionExpiry"/> for a persistent session.
    /// Env: <c>MQTT_CLEAN_START</c>.</summary>
    public bool CleanStart { get; set; } = true;

    /// <summary>How long the broker keeps the session after a disconnect (MQTT 5 session expiry). Zero = ends with the
    /// connection. Env: <c>MQTT_SESSION_EXPIRY</c> (seconds).</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.Zero;

    /// <summary>PEM file of CA certificates to trust instead of the system store. Env: <c>MQTT_TLS_CA_FILE</c>.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>PEM client certificate for mutual TLS. Env: <c>MQTT_TLS_CERT_FILE</c>.</summary>
    public string? TlsCertFile { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertFile"/>. Env: <c>MQTT_TLS_KEY_FILE</c>.</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>Skip server certificate verification. Off by default; for test brokers only. Env: <c>MQTT_TLS_INSECURE</c>.</summary>
    public bool TlsInsecure { get; set; }

    /// <summary>Publish health on connect/shutdown and register it as the will. Env: <c>MQTT_ENABLE_HEALTH</c>.</summary>
    public bool EnableHealth { get; set; }

    /// <summary>Publish a heartbeat every <see cref="HeartbeatInterval"/>. Env: <c>MQTT_ENABLE_HEARTBEAT</c>.</summary>
    public bool EnableHeartbeat { get; set; }

    /// <summary>Heartbeat period. Env: <c>MQTT_HEARTBEAT_INTERVAL</c> (seconds).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an envelope key is remembered for duplicate suppression; zero disables it. Env: <c>MQTT_DEDUPE_TTL</c> (seconds).</summary>
    public TimeSpan DedupeTtl { get; set; } = TimeSpan.Zero;

    /// <summary>Most envelope keys remembered; the oldest is evicted. Env: <c>MQTT_DEDUPE_MAX_ENTRIES</c>.</summary>
    public int DedupeMaxEntries { get; set; } = 10_000;

    /// <summary>Smallest delay between reconnect attempts. Env: <c>MQTT_RECONNECT_MIN_DELAY</c> (seconds).</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Largest delay between reconnect attempts. Env: <c>MQTT_RECONNECT_MAX_DELAY</c> (seconds).</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Keep retrying the first connection (transient errors only) instead of failing <c>ConnectAsync</c> after
    /// one attempt. Env: <c>MQTT_CONNECT_RETRY</c>.</summary>
    public bool RetryFirstConnect { get; set; }

    /// <summary>Capacity of the outgoing queue (messages waiting to be sent, including while disconnected).
    /// Env: <c>MQTT_QUEUE_CAPACITY</c>.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>What happens when the outgoing queue is full. Env: <c>MQTT_QUEUE_OVERFLOW</c> (<c>wait</c>,
    /// <c>drop-oldest</c>, <c>drop-newest</c>).</summary>
    public OverflowPolicy OverflowPolicy { get; set; } = OverflowPolicy.Wait;

    /// <summary>Most QoS ≥ 1 publishes awaiting acknowledgement; lowered to the broker's receive-maximum.
    /// Env: <c>MQTT_MAX_INFLIGHT</c>.</summary>
    public int MaxInflight { get; set; } = 100;

    /// <summary>Capacity of the incoming queue between the socket and the handlers; a full queue applies
    /// backpressure. Also sent to the broker as the MQTT 5 receive-maximum. Env: <c>MQTT_INCOMING_QUEUE_CAPACITY</c>.</summary>
    public int IncomingQueueCapacity { get; set; } = 1_000;

    /// <summary>With a persistent session, how many times a QoS ≥ 1 message whose handler throws is left
    /// unacknowledged for the broker to redeliver; the next failure acknowledges it as poison (counted, logged, and
    /// republished to <see cref="DeadLetterTopic"/> when set). 0 = never withheld. Env: <c>MQTT_MAX_REDELIVERIES</c>.</summary>
    public int MaxRedeliveries { get; set; } = 3;

    /// <summary>Where poison messages are republished (an envelope of type <c>switchboard.dead_letter</c> with the
    /// topic, the payload, the attempts and the last error); none by default. Env: <c>MQTT_DEAD_LETTER_TOPIC</c>.</summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>How long <c>ShutdownAsync</c>/<c>DisposeAsync</c> wait for the outgoing queue to drain.
    /// Env: <c>MQTT_DRAIN_TIMEOUT</c> (seconds).</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Default timeout of <c>RequestAsync</c>. Env: <c>MQTT_REQUEST_TIMEOUT</c> (seconds).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Directory of the durable outbox; when set, accepted QoS ≥ 1 messages survive a crash of the process.
    /// Env: <c>MQTT_OUTBOX_PATH</c>.</summary>
    public string? OutboxPath { get; set; }

    /// <summary>When the durable outbox forces its writes to disk (power-cut safety and its cost); <see cref="OutboxFsync.Never"/>
    /// by default. Only meaningful with <see cref="OutboxPath"/>. Env: <c>MQTT_OUTBOX_FSYNC</c> (never, batch, always).</summary>
    public OutboxFsync OutboxFsync { get; set; } = OutboxFsync.Never;

    /// <summary>Serializer options for envelope <c>data</c>. Default: snake_case property names (as the Python
    /// services write them), case-insensitive reading.</summary>
    public JsonSerializerOptions? JsonSerializerOptions { get; set; }

    /// <summary>Decides whether and when to reconnect; default exponential backoff with jitter between
    /// <see cref="ReconnectMinDelay"/> and <see cref="ReconnectMaxDelay"/>.</summary>
    public IRetryPolicy? RetryPolicy { get; set; }

    /// <summary>Checks every setting as the client's constructor does, without creating a client.</summary>
    /// <exception cref="SwitchboardConfigurationException">A setting is missing or not allowed; the message names it
    /// (property and environment variable), the bad value (passwords masked) and what is allowed.</exception>
    public void Validate() => OptionsValidator.Validate(this);

    /// <summary>Returns a shallow copy.</summary>
    public SwitchboardOptions Clone() => (SwitchboardOptions)MemberwiseClone();

    /// <summary>Describes the options with the password masked.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("SwitchboardOptions { ");
        sb.Append("Url = ").Append(Url is null ? "(none)" : Secrets.MaskUrls(Url));
        sb.Append(", ClientId = ").Append(ClientId);
        if (Username is not null)
        {
            sb.Append(", Username = ").Append(Username);
        }

        if (Password is not null)
        {
            sb.Append(", Password = ***");
        }

        sb.Append(", Protocol = ").Append(Protocol);
        sb.Append(", KeepAlive = ").Append(KeepAlive.TotalSeconds).Append('s');
        sb.Append(", CleanStart = ").Append(CleanStart);
        sb.Append(", SessionExpiry = ").Append(SessionExpiry.TotalSeconds).Append('s');
        sb.Append(", QueueCapacity = ").Append(QueueCapacity);
        sb.Append(", OverflowPolicy = ").Append(OverflowPolicy);
        sb.Append(", MaxInflight = ").Append(MaxInflight);
        sb.Append(", EnableHealth = ").Append(EnableHealth);
        sb.Append(", EnableHeartbeat = ").Append(EnableHeartbeat);
        if (OutboxPath is not null)
        {
            sb.Append(", OutboxPath = ").Append(OutboxPath).Append(", OutboxFsync = ").Append(OutboxFsync);
        }

        return sb.Append(" }").ToString();
    }
}
