using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Switchboard;

/// <summary>The validated, immutable snapshot of <see cref="SwitchboardOptions"/> the engine runs on.</summary>
internal sealed class ClientSettings
{
    public ClientSettings(SwitchboardOptions options, BrokerEndpoint endpoint)
    {
        Options = options;
        Endpoint = endpoint;
        ClientId = options.ClientId!;
        SourceName = string.IsNullOrWhiteSpace(options.SourceName) ? ClientId : options.SourceName;
        Username = options.Username ?? endpoint.Username;
        Password = options.Password ?? endpoint.Password;
        HealthTopic = $"system/health/{ClientId}";
        HeartbeatTopic = $"system/keepalive/{ClientId}";
        RetryPolicy = options.RetryPolicy ?? new ExponentialBackoffRetryPolicy(options.ReconnectMinDelay, options.ReconnectMaxDelay);
        Json = options.JsonSerializerOptions ?? DefaultJson;
        PersistentSession = !options.CleanStart && (options.SessionExpiry > TimeSpan.Zero || options.Protocol == MqttProtocol.V311);
    }

    /// <summary>Snake_case, like the Python services' pydantic models, and tolerant when reading.</summary>
    public static JsonSerializerOptions DefaultJson { get; } = CreateDefaultJson();

    public SwitchboardOptions Options { get; }

    public BrokerEndpoint Endpoint { get; }

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

    public JsonSerializerOptions Json { get; }

    /// <summary>True when the broker keeps the session, so unacknowledged incoming messages come back after a reconnect.</summary>
    public bool PersistentSession { get; }

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
