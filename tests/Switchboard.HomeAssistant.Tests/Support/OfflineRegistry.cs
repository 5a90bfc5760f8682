using System.Text;

namespace Switchboard.HomeAssistant.Tests.Support;

/// <summary>
/// A registry on a client that never connects, fed through the registry's test hooks: discovery and state handling
/// without a broker, synchronous and deterministic. Commands are only built (<c>Build…</c>), never published. The
/// registry is told its client is connected (entities would otherwise all be unavailable); <see cref="SetConnection"/>
/// plays the client's state changes.
/// </summary>
internal sealed class OfflineRegistry : IAsyncDisposable
{
    private OfflineRegistry(SwitchboardClient client, HomeAssistantRegistry registry)
    {
        Client = client;
        Registry = registry;
    }

    public SwitchboardClient Client { get; }

    public HomeAssistantRegistry Registry { get; }

    public static async Task<OfflineRegistry> StartAsync(HomeAssistantOptions? options = null, string? topicPrefix = null, TimeProvider? time = null)
    {
        var client = new SwitchboardClient(new SwitchboardOptions
        {
            Url = "mqtt://127.0.0.1:9",
            ClientId = "offline-" + Guid.NewGuid().ToString("N")[..8],
            TopicPrefix = topicPrefix,
            DrainTimeout = TimeSpan.Zero,
        });
        var registry = new HomeAssistantRegistry(client, options, timeProvider: time);
        registry.InjectConnectionState(ConnectionState.Connected);
        await registry.StartAsync();
        return new OfflineRegistry(client, registry);
    }

    public void Discover(string topic, string payload)
    {
        var message = new MqttMessage(topic, Encoding.UTF8.GetBytes(payload), Qos.AtLeastOnce, retain: true);
        if (Registry.TasmotaDiscoveryPrefix is { } tasmota && topic.StartsWith(tasmota + "/", StringComparison.Ordinal))
        {
            Registry.InjectTasmotaDiscoveryMessage(message);
        }
        else
        {
            Registry.InjectDiscoveryMessage(message);
        }
    }

    public void Send(string topic, string payload, bool retain = false) =>
        Registry.InjectStateMessage(new MqttMessage(topic, Encoding.UTF8.GetBytes(payload), Qos.AtLeastOnce, retain));

    public void SetConnection(ConnectionState state) => Registry.InjectConnectionState(state);

    public HomeAssistantEntity Entity(string id) => Registry.GetEntity(id);

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        await Client.DisposeAsync();
    }
}
