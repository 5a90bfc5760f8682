using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Switchboard.IntegrationTests.Support;
using Switchboard.Simulator;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>
/// The dashboard in a real headless Chromium against a real Mosquitto and the simulated home: the devices appear,
/// controls drive the simulated devices and the cards follow without a reload, availability follows the devices and
/// the broker, hostile names and payloads stay text, the token is enforced.
/// </summary>
public sealed partial class DashboardPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const float Timeout = 15_000;

    private static string Entity(string id) => $"[data-entity-id=\"{id}\"]";

    private async Task<(IBrowserContext Context, IPage Page)> OpenAsync(Uri url, ViewportSize? viewport = null)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 1000 } });
        context.SetDefaultTimeout(Timeout);
        var page = await context.NewPageAsync();

        // Any alert, confirm or prompt would mean the page ran something it was sent: fail loudly.
        page.Dialog += (_, dialog) => throw new InvalidOperationException($"the page opened a dialog: {dialog.Message}");
        await page.GotoAsync(url.ToString());
        return (context, page);
    }

    [Fact]
    public async Task The_simulated_home_appears_and_the_kitchen_light_toggle_turns_the_simulated_light_on_without_a_reload()
    {
        await using var harness = await DashboardHarness.StartAsync();
        var (context, page) = await OpenAsync(harness.Dashboard.Url);
        await using var _ = context;

        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = Timeout });
        var kitchen = page.Locator(Entity("kitchen_light"));
        await Expect(kitchen.Locator(".state")).ToHaveTextAsync(new Regex("^off"), new() { Timeout = Timeout });

        // Every simulated device has its card, grouped by its area.
        foreach (var device in harness.Home.Definition.Devices)
        {
            await Expect(page.Locator($"[data-area=\"{device.Area}\"] [data-device=\"{device.Id}\"]")).ToBeVisibleAsync(new() { Timeout = Timeout });
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.PathFor("dashboard-home.png"), FullPage = true });

        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;
        await kitchen.Locator("button.toggle").ClickAsync();
        await Expect(kitchen.Locator(".state")).ToHaveTextAsync(new Regex("^on"), new() { Timeout = Timeout });
        await Expect(kitchen.Locator("button.toggle")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.True(((SimulatedLight)harness.Home.GetDevice("kitchen")).IsOn, "the simulated kitchen light itself is on");
        Assert.Equal(0, navigations);
        Assert.Equal(string.Empty, await kitchen.Locator(".error").TextContentAsync());

        // The traffic the home made: its topics in the tree, the command in the stream.
        await page.Locator("nav [data-tab=\"traffic\"]").ClickAsync();
        await Expect(page.Locator("#tree > [data-topic=\"homeassistant\"]")).ToBeVisibleAsync();
        await Expect(page.Locator("#stream")).ToContainTextAsync("kitchen_light/set");
        await Expect(page.Locator("#traffic-counts")).ToContainTextAsync($"on {harness.Client.GetStats().Broker}");
        await page.Locator("#tree > [data-topic=\"homeassistant\"] > details > summary").ClickAsync();
        await Expect(page.Locator("[data-topic=\"homeassistant/light\"]")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.PathFor("dashboard-traffic.png"), FullPage = false });
    }

    [Fact]
    public async Task A_slider_sets_the_brightness_through_the_registry()
    {
        await using var harness = await DashboardHarness.StartAsync();
        var (context, page) = await OpenAsync(harness.Dashboard.Url);
        await using var _ = context;

        var slider = page.Locator($"{Entity("office_light")} input[data-control=\"brightness\"]");
        await slider.FillAsync("51");
        await slider.DispatchEventAsync("change");
        await Expect(page.Locator($"{Entity("office_light")} .state")).ToHaveTextAsync(new Regex("^on, 20 %"), new() { Timeout = Timeout });
        Assert.Equal(51, harness.Registry.GetEntity("office_light").State.Brightness);
    }

    [Fact]
    public async Task A_device_taken_offline_in_the_simulator_turns_unavailable_and_back()
    {
        await using var harness = await DashboardHarness.StartAsync();
        var (context, page) = await OpenAsync(harness.Dashboard.Url);
        await using var _ = context;
        var relay = page.Locator(Entity("plug_relay"));
        await Expect(relay).ToHaveAttributeAsync("data-available", "true", new() { Timeout = Timeout });

        await harness.Home.SetOfflineAsync("plug", offline: true);
        await Expect(relay).ToHaveAttributeAsync("data-available", "false", new() { Timeout = Timeout });
        await Expect(relay.Locator(".state")).ToHaveTextAsync("unavailable");
        await Expect(relay.Locator("button.toggle")).ToBeDisabledAsync();

        await harness.Home.SetOfflineAsync("plug", offline: false);
        await Expect(relay).ToHaveAttributeAsync("data-available", "true", new() { Timeout = Timeout });
    }

    [Fact]
    public async Task A_broker_that_goes_away_shows_as_disconnected_and_the_page_recovers_when_it_returns()
    {
        await using var harness = await DashboardHarness.StartAsync();
        var (context, page) = await OpenAsync(harness.Dashboard.Url);
        await using var _ = context;
        var badge = page.Locator("#connection");
        await Expect(badge).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = Timeout });

        await harness.Broker.StopAsync();
        await Expect(badge).Not.ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = Timeout });
        await Expect(page.Locator(Entity("kitchen_light"))).ToHaveAttributeAsync("data-available", "false", new() { Timeout = Timeout });

        await harness.Broker.StartAsync();
        await Expect(badge).ToHaveAttributeAsync("data-state", "Connected", new() { Timeout = Timeout });
        await Expect(page.Locator(Entity("kitchen_light"))).ToHaveAttributeAsync("data-available", "true", new() { Timeout = Timeout });
    }

    [Fact]
    public async Task Hostile_names_and_payloads_render_as_text()
    {
        const string Hostile = "<img src=x onerror=alert(1)>";
        await using var harness = await DashboardHarness.StartAsync();
        var config = $$$"""{"name":"{{{Hostile}}}","unique_id":"hostile_sensor","state_topic":"hostile/state","device":{"identifiers":["hostile"],"name":"{{{Hostile}}}","suggested_area":"{{{Hostile}}}"}}""";
        await harness.HomeClient.PublishAsync("homeassistant/sensor/hostile/config", config, Qos.AtLeastOnce, retain: true);
        await harness.HomeClient.PublishAsync("hostile/state", Hostile, Qos.AtLeastOnce, retain: true);
        await harness.HomeClient.PublishAsync($"hostile/{Hostile}", "<script>alert(2)</script>", Qos.AtLeastOnce);
        await harness.HomeClient.PublishEventAsync("system/health/<svg onload=alert(3)>", "health.status", new { message_id = "x", ok = true, @event = Hostile, timestamp = 1.0 });

        var (context, page) = await OpenAsync(harness.Dashboard.Url);
        await using var _ = context;
        var entity = page.Locator(Entity("hostile_sensor"));
        await Expect(entity.Locator(".state")).ToHaveTextAsync(Hostile, new() { Timeout = Timeout });
        await Expect(entity.Locator(".name")).ToHaveTextAsync(Hostile);
        await Expect(page.Locator("[data-device=\"hostile\"] h3")).ToHaveTextAsync(Hostile);
        await Expect(page.Locator("[data-area=\"" + Hostile + "\"] h2")).ToHaveTextAsync(Hostile);

        await page.Locator("nav [data-tab=\"services\"]").ClickAsync();
        await Expect(page.Locator("[data-service=\"<svg onload=alert(3)>\"]")).ToContainTextAsync(Hostile, new() { Timeout = Timeout });

        await page.Locator("nav [data-tab=\"traffic\"]").ClickAsync();
        await Expect(page.Locator("#stream")).ToContainTextAsync("<script>alert(2)</script>", new() { Timeout = Timeout });
        await Expect(page.Locator("#stream")).ToContainTextAsync($"hostile/{Hostile}");

        // Nothing of it became markup: no image anywhere in the page, no script but the page's own, no SVG.
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.Equal(1, await page.Locator("script").CountAsync());
        Assert.Equal(0, await page.Locator("svg").CountAsync());
    }

    [Fact]
    public async Task A_control_that_does_not_take_shows_its_error_on_the_card()
    {
        await using var harness = await DashboardHarness.StartAsync();

        // A command template outside the supported Jinja subset: the registry refuses to send anything for it.
        var config = """{"name":"Odd","unique_id":"odd_number","command_topic":"odd/set","state_topic":"odd/state","command_template":"{{ value | frobnicate }}","min":0,"max":10,"device":{"identifiers":["odd"],"name":"Odd"}}""";
        await harness.HomeClient.PublishAsync("homeassistant/number/odd/config", config, Qos.AtLeastOnce, retain: true);
        await harness.HomeClient.PublishAsync("odd/state", "3", Qos.AtLeastOnce, retain: true);
        var sent = 0;
        await using var watch = await harness.HomeClient.SubscribeAsync("odd/set", (_, _) =>
        {
            Interlocked.Increment(ref sent);
            return ValueTask.CompletedTask;
        });

        var (context, page) = await OpenAsync(harness.Dashboard.Url);
        await using var _ = context;
        var number = page.Locator(Entity("odd_number"));
        var slider = number.Locator("input[data-control=\"set_value\"]");
        await slider.FillAsync("7");
        await slider.DispatchEventAsync("change");
        await Expect(number.Locator(".error")).ToContainTextAsync("frobnicate", new() { Timeout = Timeout });
        await Expect(number.Locator(".error")).ToBeVisibleAsync();
        Assert.Equal(0, Volatile.Read(ref sent));
    }

    [Fact]
    public async Task The_page_fits_a_phone_width_screen()
    {
        await using var harness = await DashboardHarness.StartAsync();
        var (context, page) = await OpenAsync(harness.Dashboard.Url, new ViewportSize { Width = 390, Height = 844 });
        await using var _ = context;
        await Expect(page.Locator($"{Entity("living_thermostat")} .state")).ToContainTextAsync("target", new() { Timeout = Timeout });
        foreach (var tab in new[] { "home", "services", "traffic" })
        {
            await page.Locator($"nav [data-tab=\"{tab}\"]").ClickAsync();
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"the {tab} tab is {overflow} px wider than a 390 px screen");
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.PathFor("dashboard-phone.png"), FullPage = false });
    }

    [Fact]
    public async Task With_a_token_every_request_needs_it_and_the_page_works_once_opened_with_it()
    {
        const string Token = "s3cret-token-for-tests";
        await using var harness = await DashboardHarness.StartAsync(new DashboardOptions { Token = Token });
        using var http = new HttpClient();
        foreach (var path in new[] { "", "app.js", "api/session", "api/events" })
        {
            using var response = await http.GetAsync(new Uri(harness.Dashboard.Url, path), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var wrong = await http.GetAsync(new Uri(harness.Dashboard.Url, "?token=not-the-token")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var (context, page) = await OpenAsync(new Uri(harness.Dashboard.Url, $"?token={Token}"));
        await using var _ = context;
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
        var kitchen = page.Locator(Entity("kitchen_light"));
        await kitchen.Locator("button.toggle").ClickAsync();
        await Expect(kitchen.Locator(".state")).ToHaveTextAsync(new Regex("^on"), new() { Timeout = Timeout });
    }
}
