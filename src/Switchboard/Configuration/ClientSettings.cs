using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Switchboard;

/// <summary>The validated, immutable snapshot of <see cref="SwitchboardOptions"/> the engine runs on.</summary>
internal sealed class ClientSettings
{
    public ClientSettings(SwitchboardOptions options, IReadOnlyList<BrokerEndpoint> brokers)
    {
        Options = options;
        Brokers = brokers;
        Endpoint = brokers[0];
        ClientId = options.ClientId!;
        SourceName = string.IsNullOrWhiteSpace(options.SourceName) ? ClientId : options.SourceName;
        (Username, Password) = CredentialsFor(Endpoint);
        HealthTopic = $"system/health/{ClientId}";
        HeartbeatTopic = $"system/keepalive/{ClientId}";
        RetryPolicy = options.RetryPolicy ?? new ExponentialBackoffRetryPolicy(options.ReconnectMinDelay, options.ReconnectMaxDelay);
        Json = options.JsonSerializerOptions;
        PersistentSession = !options.CleanStart && (options.SessionExpiry > TimeSpan.Zero || options.Protocol == MqttProtocol.V311);
    }

    /// <summary>The same settings aimed at another broker (an entry of <see cref="Brokers"/> or a redirection target).</summary>
    private ClientSettings(ClientSettings from, BrokerEndpoint endpoint)
    {
        Options = from.Options;
        Brokers = from.Brokers;
        Endpoint = endpoint;
        ClientId = from.ClientId;
        SourceName = from.SourceName;
        (Username, Password) = from.CredentialsFor(endpoint);
        HealthTopic = from.HealthTopic;
        HeartbeatTopic = from.HeartbeatTopic;
        RetryPolicy = from.RetryPolicy;
        OpenTransport = from.OpenTransport;
        Json = from.Json;
        PersistentSession = from.PersistentSession;
    }

    /// <summary>These settings aimed at <paramref name="endpoint"/>: its transport, and the credentials it gets.</summary>
    public ClientSettings ForBroker(BrokerEndpoint endpoint) => ReferenceEquals(endpoint, Endpoint) ? this : new ClientSettings(this, endpoint);

    /// <summary>
    /// The credentials a broker gets. With one URL, <see cref="SwitchboardOptions.Username"/>/<see cref="SwitchboardOptions.Password"/>
    /// override the URL's own (as always). In a list, an entry's own user name and password win for that entry, and the
    /// options fill in what it lacks, so one list can hold brokers with different accounts.
    /// </summary>
    private (string? Username, string? Password) CredentialsFor(BrokerEndpoint endpoint) => Brokers.Count == 1
        ? (Options.Username ?? endpoint.Username, Options.Password ?? endpoint.Password)
        : (endpoint.Username ?? Options.Username, endpoint.Password ?? Options.Password);

    private static JsonSerializerOptions? s_defaultJson;

    /// <summary>Snake_case, like the Python services' pydantic models, and tolerant when reading. Reflection-based, so
    /// only the overloads without a <see cref="JsonTypeInfo{T}"/> reach it: created on first use, never by a client that
    /// sticks to source-generated metadata (which is what keeps the core trimmable and Native AOT compatible).</summary>
    public static JsonSerializerOptions DefaultJson
    {
        [RequiresUnreferencedCode(AotMessages.ReflectionJson)]
        [RequiresDynamicCode(AotMessages.ReflectionJson)]
        get => s_defaultJson ??= CreateDefaultJson();
    }

    public SwitchboardOptions Options { get; }

    /// <summary>The broker these settings connect to: the first of <see cref="Brokers"/>, or the one
    /// <see cref="ForBroker"/> chose.</summary>
    public BrokerEndpoint Endpoint { get; }

    /// <summary>Every broker of <see cref="SwitchboardOptions.Url"/>, in the order they are tried (one or more).</summary>
    public IReadOnlyList<BrokerEndpoint> Brokers { get; }

    public string ClientId { get; }

    public string SourceName { get; }

    public string? Username { get; }

    public string? Password { get; }

    public string HealthTopic { get; }

    public string HeartbeatTopic { get; }

    public IRetryPolicy RetryPolicy { get; }

    /// <summary>Opens a connection's byte transport; <see cref="TransportConnector"/> by default. Unit tests put a fake
    /// transport here to drive the session engine and its state machine without a network.</summary>
    public Func<ClientSettings, CancellationToken, Task<Stream>> OpenTransport { get; set; } = TransportConnector.OpenAsync;

    /// <summary>The caller's serializer options (<see cref="SwitchboardOptions.JsonSerializerOptions"/>), or null for
    /// <see cref="DefaultJson"/>.</summary>
    public JsonSerializerOptions? Json { get; }

    /// <summary>The metadata the reflection-based overloads serialize <typeparamref name="T"/> with.</summary>
    [RequiresUnreferencedCode(AotMessages.ReflectionJson)]
    [RequiresDynamicCode(AotMessages.ReflectionJson)]
    public JsonTypeInfo<T> ReflectionTypeInfo<T>() => (JsonTypeInfo<T>)(Json ?? DefaultJson).GetTypeInfo(typeof(T));

    /// <summary>True when the broker keeps the session, so unacknowledged incoming messages come back after a reconnect.</summary>
    public bool PersistentSession { get; }

    [RequiresUnreferencedCode(AotMessages.ReflectionJson)]
    [RequiresDynamicCode(AotMessages.ReflectionJson)]
    private static JsonSerializerOptions CreateDefaultJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        json.MakeReadOnly();
        return json;
    }
}
