using Switchboard.HomeAssistant;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;
using Switchboard.Simulator;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>
/// Everything one dashboard test needs, on its own: a real Mosquitto, the built-in simulated home on it, a registry and
/// a dashboard on a free loopback port, as <c>switchboard demo --dashboard</c> runs them.
/// </summary>
public sealed class DashboardHarness : IAsyncDisposable
{
    private DashboardHarness(MosquittoBroker broker, SwitchboardClient homeClient, SimulatedHome home, SwitchboardClient client, HomeAssistantRegistry registry, SwitchboardDashboard dashboard)
    {
        Broker = broker;
        HomeClient = homeClient;
        Home = home;
        Client = client;
        Registry = registry;
        Dashboard = dashboard;
    }

    public MosquittoBroker Broker { get; }

    public SwitchboardClient HomeClient { get; }

    public SimulatedHome Home { get; }

    public SwitchboardClient Client { get; }

    public HomeAssistantRegistry Registry { get; }

    public SwitchboardDashboard Dashboard { get; }

    public static async Task<DashboardHarness> StartAsync(DashboardOptions? options = null)
    {
        var broker = new MosquittoBroker();
        await broker.StartAsync();
        var homeClient = new SwitchboardClient(new SwitchboardOptions
        {
            Url = broker.Url,
            ClientId = $"home-{Guid.NewGuid():N}",
            EnableHealth = true,
            EnableHeartbeat = true,
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        });
        await homeClient.ConnectAsync();
        var home = new SimulatedHome(homeClient, DefaultHome.Create());
        await home.StartAsync();
        var client = new SwitchboardClient(new SwitchboardOptions
        {
            Url = broker.Url,
            ClientId = $"dashboard-{Guid.NewGuid():N}",
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        });
        await client.ConnectAsync();
        var registry = new HomeAssistantRegistry(client);
        await registry.StartAsync();
        await Eventually.WaitAsync(() => registry.TryGetEntity("kitchen_light", out var light) && light.IsAvailable, "the simulated kitchen light is discovered and available");
        var dashboardOptions = options ?? new DashboardOptions();
        dashboardOptions.Port = 0;
        var dashboard = new SwitchboardDashboard(client, registry, dashboardOptions);
        await dashboard.StartAsync();
        return new DashboardHarness(broker, homeClient, home, client, registry, dashboard);
    }

    public async ValueTask DisposeAsync()
    {
        await Dashboard.DisposeAsync();
        await Registry.DisposeAsync();
        await Client.DisposeAsync();
        await Home.DisposeAsync();
        await HomeClient.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
