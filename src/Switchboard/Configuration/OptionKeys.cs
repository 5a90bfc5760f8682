namespace Switchboard;

/// <summary>Environment variable names, one constant per setting (see the README's settings table).</summary>
public static class OptionKeys
{
    /// <summary>Broker URL.</summary>
    public const string Url = "MQTT_URL";
    /// <summary>Client id.</summary>
    public const string ClientId = "MQTT_CLIENT_ID";
    /// <summary>Envelope source name.</summary>
    public const string SourceName = "MQTT_SOURCE_NAME";
    /// <summary>Keep-alive seconds.</summary>
    public const string KeepAlive = "MQTT_KEEPALIVE";
    /// <summary>Connect timeout seconds.</summary>
    public const string ConnectTimeout = "MQTT_CONNECT_TIMEOUT";
    /// <summary>Protocol version (5 or 3.1.1).</summary>
    public const string Protocol = "MQTT_PROTOCOL";
    /// <summary>Clean start flag.</summary>
    public const string CleanStart = "MQTT_CLEAN_START";
    /// <summary>Session expiry seconds.</summary>
    public const string SessionExpiry = "MQTT_SESSION_EXPIRY";
    /// <summary>CA file.</summary>
    public const string TlsCaFile = "MQTT_TLS_CA_FILE";
    /// <summary>Client certificate file.</summary>
    public const string TlsCertFile = "MQTT_TLS_CERT_FILE";
    /// <summary>Client key file.</summary>
    public const string TlsKeyFile = "MQTT_TLS_KEY_FILE";
    /// <summary>Skip certificate verification.</summary>
    public const string TlsInsecure = "MQTT_TLS_INSECURE";
    /// <summary>Health on/off.</summary>
    public const string EnableHealth = "MQTT_ENABLE_HEALTH";
    /// <summary>Heartbeat on/off.</summary>
    public const string EnableHeartbeat = "MQTT_ENABLE_HEARTBEAT";
    /// <summary>Heartbeat seconds.</summary>
    public const string HeartbeatInterval = "MQTT_HEARTBEAT_INTERVAL";
    /// <summary>Dedupe TTL seconds.</summary>
    public const string DedupeTtl = "MQTT_DEDUPE_TTL";
    /// <summary>Dedupe capacity.</summary>
    public const string DedupeMaxEntries = "MQTT_DEDUPE_MAX_ENTRIES";
    /// <summary>Reconnect minimum delay seconds.</summary>
    public const string ReconnectMinDelay = "MQTT_RECONNECT_MIN_DELAY";
    /// <summary>Reconnect maximum delay seconds.</summary>
    public const string ReconnectMaxDelay = "MQTT_RECONNECT_MAX_DELAY";
    /// <summary>Retry the first connect.</summary>
    public const string RetryFirstConnect = "MQTT_CONNECT_RETRY";
    /// <summary>Outgoing queue capacity.</summary>
    public const string QueueCapacity = "MQTT_QUEUE_CAPACITY";
    /// <summary>Overflow policy.</summary>
    public const string OverflowPolicy = "MQTT_QUEUE_OVERFLOW";
    /// <summary>Inflight window.</summary>
    public const string MaxInflight = "MQTT_MAX_INFLIGHT";
    /// <summary>Incoming queue capacity.</summary>
    public const string IncomingQueueCapacity = "MQTT_INCOMING_QUEUE_CAPACITY";
    /// <summary>Redeliveries of a message whose handler fails before it is acknowledged as poison.</summary>
    public const string MaxRedeliveries = "MQTT_MAX_REDELIVERIES";
    /// <summary>Topic poison messages are republished to.</summary>
    public const string DeadLetterTopic = "MQTT_DEAD_LETTER_TOPIC";
    /// <summary>Drain timeout seconds.</summary>
    public const string DrainTimeout = "MQTT_DRAIN_TIMEOUT";
    /// <summary>Request timeout seconds.</summary>
    public const string RequestTimeout = "MQTT_REQUEST_TIMEOUT";
    /// <summary>Durable outbox directory.</summary>
    public const string OutboxPath = "MQTT_OUTBOX_PATH";
    /// <summary>When the durable outbox forces writes to disk: never, batch or always.</summary>
    public const string OutboxFsync = "MQTT_OUTBOX_FSYNC";
    /// <summary>Legacy broker host.</summary>
    public const string BrokerHost = "MQTT_BROKER_HOST";
    /// <summary>Legacy broker port.</summary>
    public const string BrokerPort = "MQTT_BROKER_PORT";
    /// <summary>User name.</summary>
    public const string Username = "MQTT_USERNAME";
    /// <summary>Password.</summary>
    public const string Password = "MQTT_PASSWORD";
    /// <summary>Legacy topic prefix.</summary>
    public const string TopicPrefix = "MQTT_TOPIC_PREFIX";
}
