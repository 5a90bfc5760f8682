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

    public static string Id(string role) => $"{role}-{Guid.NewGuid():N}"[..Math.Min(role.Length + 13, 23 + role.Length)];
}
