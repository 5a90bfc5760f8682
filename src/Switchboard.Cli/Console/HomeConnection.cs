using Microsoft.Extensions.Logging;
using Switchboard.HomeAssistant;

namespace Switchboard.Cli;

/// <summary>What the Home Assistant commands (<c>devices</c>, <c>set</c>, <c>dashboard</c>) open: a connected client for
/// the command's role and a started registry on it. Disposing it disposes the registry, then the client.</summary>
internal sealed class HomeConnection : IAsyncDisposable
{
    private HomeConnection(SwitchboardClient client, HomeAssistantRegistry registry)
    {
        Client = client;
        Registry = registry;
    }

    public SwitchboardClient Client { get; }

    public HomeAssistantRegistry Registry { get; }

    public static async Task<HomeConnection> OpenAsync(string url, string role, string discoveryPrefix, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var client = new SwitchboardClient(ClientFactory.Options(url, role), logging);
        try
        {
            await client.ConnectAsync(cancellationToken);
            var registry = new HomeAssistantRegistry(client, new HomeAssistantOptions { DiscoveryPrefix = discoveryPrefix }, logging);
            try
            {
                await registry.StartAsync(cancellationToken);
                return new HomeConnection(client, registry);
            }
            catch
            {
                await registry.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        await Client.DisposeAsync();
    }
}
