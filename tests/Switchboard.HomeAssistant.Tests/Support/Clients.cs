using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.HomeAssistant.Tests.Support;

/// <summary>Connected Switchboard clients for integration tests.</summary>
internal static class Clients
{
    public static async Task<SwitchboardClient> ConnectAsync(ITestBroker broker, string clientId, bool health = true, string? topicPrefix = null)
    {
        var client = new SwitchboardClient(new SwitchboardOptions
        {
            Url = broker.Url,
            ClientId = clientId,
            EnableHealth = health,
            KeepAlive = TimeSpan.FromSeconds(5),
            TopicPrefix = topicPrefix,
            DrainTimeout = TimeSpan.FromSeconds(2),
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(timeout.Token);
        return client;
    }

    /// <summary>A client (not connected yet) that notices a cut within a few seconds and reconnects at once: for tests
    /// that cut its connection through a fault proxy.</summary>
    public static SwitchboardClient QuickToReconnect(string url, string clientId) => new(new SwitchboardOptions
    {
        Url = url,
        ClientId = clientId,
        KeepAlive = TimeSpan.FromSeconds(5),
        ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        DrainTimeout = TimeSpan.FromSeconds(1),
    });

    public static string Id(string role) => $"{role}-{Guid.NewGuid():N}"[..Math.Min(role.Length + 13, 23 + role.Length)];
}
