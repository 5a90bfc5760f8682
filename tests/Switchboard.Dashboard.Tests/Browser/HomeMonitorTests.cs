using Switchboard.Dashboard.Home;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>What the home page is told about entities that go away, against a real registry on Mosquitto.</summary>
public sealed class HomeMonitorTests
{
    private const string Topic = "homeassistant/switch/ghost/config";

    private static string Config(string uniqueId) =>
        $$$"""{"name":"Ghost","unique_id":"{{{uniqueId}}}","command_topic":"ghost/set","device":{"identifiers":["ghost"],"name":"Ghost"}}""";

    [Fact]
    public async Task An_entity_whose_unique_id_changes_is_removed_under_its_old_id_and_nothing_removed_is_kept()
    {
        await using var harness = await DashboardHarness.StartAsync();
        using var monitor = new HomeMonitor(harness.Registry, static () => { });

        await harness.HomeClient.PublishAsync(Topic, Config("ghost_a"), retain: true);
        // The monitor follows the registry's events, raised after the registry has changed: wait for the page's view.
        await Eventually.WaitAsync(() => monitor.Since(0).Rows.Any(r => r.Id == "ghost_a"), "ghost_a is shown");
        var (_, seen, _) = monitor.Since(0);

        // The same discovery topic, a new unique_id: the registry keeps the entity and changes its id.
        await harness.HomeClient.PublishAsync(Topic, Config("ghost_b"), retain: true);
        await Eventually.WaitAsync(() => monitor.Since(seen).Rows.Any(r => r.Id == "ghost_b"), "ghost_b replaces ghost_a");

        var (rows, version, full) = monitor.Since(seen);
        Assert.False(full);
        Assert.Contains(rows, r => r.Id == "ghost_a" && r.Removed);
        Assert.Contains(rows, r => r.Id == "ghost_b" && !r.Removed);

        // A new page sees it once, under its new id.
        var everything = monitor.Since(0).Rows;
        Assert.Single(everything, r => r.Id == "ghost_b");
        Assert.DoesNotContain(everything, r => r.Id == "ghost_a");

        // Discovery cleared: gone, and not kept.
        await harness.HomeClient.PublishAsync(Topic, string.Empty, retain: true);
        await Eventually.WaitAsync(() => monitor.Find("ghost_b") is null, "ghost_b is removed");
        await Eventually.WaitAsync(() => monitor.Since(version).Rows.Any(r => r.Id == "ghost_b" && r.Removed), "the page is told ghost_b went");
        Assert.DoesNotContain(monitor.Since(0).Rows, r => r.Id.StartsWith("ghost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_page_further_behind_than_the_removals_remembered_is_sent_everything_again()
    {
        await using var harness = await DashboardHarness.StartAsync();
        using var monitor = new HomeMonitor(harness.Registry, static () => { }, removalMemory: 2);
        var (_, before, _) = monitor.Since(0);

        for (var i = 0; i < 3; i++)
        {
            var topic = $"homeassistant/switch/ghost{i}/config";
            var id = $"ghost_{i}";
            await harness.HomeClient.PublishAsync(topic, Config(id), retain: true);
            await Eventually.WaitAsync(() => monitor.Find(id) is not null, $"{id} is discovered");
            await harness.HomeClient.PublishAsync(topic, string.Empty, retain: true);
            await Eventually.WaitAsync(() => monitor.Find(id) is null, $"{id} is removed");
        }

        await Eventually.WaitAsync(() => monitor.Since(before).Full, "three removals, two remembered: the page must start over");
        var (rows, version, _) = monitor.Since(before);
        Assert.DoesNotContain(rows, r => r.Removed);
        Assert.Contains(rows, r => r.Id == "kitchen_light");
        Assert.False(monitor.Since(version).Full);
    }
}
