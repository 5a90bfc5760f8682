using Microsoft.Playwright;
using Switchboard.IntegrationTests.Support;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>What the page does with the event stream itself, replayed through a routed <c>/api/events</c>.</summary>
public sealed partial class DashboardPageTests
{
    [Fact]
    public async Task Every_reconnect_replaces_the_rate_history_instead_of_appending_it_again()
    {
        await using var harness = await DashboardHarness.StartAsync();
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        await using var _ = context;
        context.SetDefaultTimeout(Timeout);
        var page = await context.NewPageAsync();

        // Each stream holds one full update with two rate points (10/s, 10/s), then ends: EventSource reconnects after
        // 100 ms and gets the same full update again, as from a dashboard that came back.
        const string Update = """
            {"full":true,"status":{"connection":"Connected","broker":"mqtt://broker.test:1883","clientId":"c","now":"2026-12-08T00:00:02Z","messagesSeen":20,"topics":0,"maxTopics":5000,"topicsEvicted":0,"maxStreamMessages":500,"streamEvicted":0,"reconnects":0,"controlsNeedToken":false},"entities":[],"services":[],"topics":[],"removedTopics":[],"topicsReset":true,"messages":[],"rates":[{"at":"2026-12-08T00:00:01Z","count":10},{"at":"2026-12-08T00:00:02Z","count":10}]}
            """;
        var streams = 0;
        await page.RouteAsync("**/api/events", async route =>
        {
            Interlocked.Increment(ref streams);
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/event-stream", Body = $"retry: 100\n\nevent: update\ndata: {Update}\n\n" });
        });
        await page.GotoAsync(harness.Dashboard.Url.ToString());
        await Eventually.WaitAsync(() => Volatile.Read(ref streams) >= 5, "the page reconnected to the event stream four times");
        await page.Locator("nav [data-tab=\"traffic\"]").ClickAsync();
        await Expect(page.Locator("#rate-now")).ToHaveTextAsync("10/s");

        // The chart spreads 120 points over its width: two points are a line over the first 1/119 of it. Appended on
        // every reconnect, the same two would become ten and the line would reach 9/119 of the width.
        var blueAt = await page.EvaluateAsync<bool[]>("""
            () => {
              const canvas = document.querySelector('#rate-chart');
              const ratio = window.devicePixelRatio || 1;
              const g = canvas.getContext('2d');
              const blue = (x) => {
                const px = Math.round(x * canvas.clientWidth / 119 * ratio);
                const data = g.getImageData(px, 0, 1, Math.round(30 * ratio)).data;
                for (let i = 0; i < data.length; i += 4) if (data[i + 2] > 150 && data[i] < 120 && data[i + 3] > 100) return true;
                return false;
              };
              return [blue(0.5), blue(3), blue(6)];
            }
            """);
        Assert.Equal([true, false, false], blueAt);
    }
}
