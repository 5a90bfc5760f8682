using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>The dashboard's HTTP rules, without a browser: anti-forgery on controls, loopback Host names only, headers
/// that keep the page from being framed or running other scripts, clear errors for bad controls.</summary>
public sealed class DashboardHttpTests
{
    [Fact]
    public async Task Controls_need_the_anti_forgery_token_and_bad_ones_are_refused_naming_what_was_wrong()
    {
        await using var harness = await DashboardHarness.StartAsync();
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var http = new HttpClient(handler) { BaseAddress = harness.Dashboard.Url };

        using (var refused = await http.PostAsJsonAsync("api/command", new { id = "kitchen_light", action = "toggle" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("anti-forgery", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var session = JsonDocument.Parse(await http.GetStringAsync("api/session"));
        var header = session.RootElement.GetProperty("headerName").GetString()!;
        http.DefaultRequestHeaders.Add(header, session.RootElement.GetProperty("csrf").GetString());

        async Task<(HttpStatusCode, string)> SendAsync(object body)
        {
            using var response = await http.PostAsJsonAsync("api/command", body);
            using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return (response.StatusCode, result.RootElement.TryGetProperty("error", out var error) ? error.GetString()! : string.Empty);
        }

        var (status, text) = await SendAsync(new { id = "nothing_here", action = "toggle" });
        Assert.Equal((HttpStatusCode.BadRequest, true), (status, text.Contains("No entity 'nothing_here'", StringComparison.Ordinal)));
        (status, text) = await SendAsync(new { id = "kitchen_light", action = "fly" });
        Assert.Equal((HttpStatusCode.BadRequest, true), (status, text.Contains("toggle, brightness, color_temp", StringComparison.Ordinal)));
        (status, text) = await SendAsync(new { id = "kitchen_light", action = "brightness", number = 999 });
        Assert.Equal((HttpStatusCode.BadRequest, true), (status, text.Contains("outside 1", StringComparison.Ordinal)));
        (status, text) = await SendAsync(new { id = "living_thermostat", action = "hvac_mode", text = "warp" });
        Assert.Equal((HttpStatusCode.BadRequest, true), (status, text.Contains("'warp' is not one of", StringComparison.Ordinal)));
        using (var notJson = await http.PostAsync("api/command", new StringContent("{", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        }

        (status, _) = await SendAsync(new { id = "kitchen_light", action = "brightness", number = 77 });
        Assert.Equal(HttpStatusCode.OK, status);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await harness.Registry.GetEntity("kitchen_light").WaitForStateAsync(s => s.Brightness == 77, timeout.Token);
    }

    [Fact]
    public async Task A_control_while_the_broker_is_away_is_refused_not_queued_for_later()
    {
        await using var harness = await DashboardHarness.StartAsync();
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var http = new HttpClient(handler) { BaseAddress = harness.Dashboard.Url };
        using var session = JsonDocument.Parse(await http.GetStringAsync("api/session"));
        http.DefaultRequestHeaders.Add(session.RootElement.GetProperty("headerName").GetString()!, session.RootElement.GetProperty("csrf").GetString());

        await harness.Broker.StopAsync();
        await Switchboard.IntegrationTests.Support.Eventually.WaitAsync(() => harness.Client.State != ConnectionState.Connected, "the dashboard's client noticed the broker went away");
        using var refused = await http.PostAsJsonAsync("api/command", new { id = "front_lock", action = "unlock" });
        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        using var result = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.StartsWith("Not sent: the dashboard is not connected", result.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, harness.Client.GetStats().Queued);
    }

    [Fact]
    public async Task On_loopback_only_loopback_host_names_are_answered_and_the_page_carries_its_protections()
    {
        await using var harness = await DashboardHarness.StartAsync();
        using var http = new HttpClient();
        using var rebound = new HttpRequestMessage(HttpMethod.Get, harness.Dashboard.Url);
        rebound.Headers.Host = "attacker.example";
        using (var refused = await http.SendAsync(rebound))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using var page = await http.GetAsync(harness.Dashboard.Url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task The_token_redirect_stays_on_the_dashboard_even_for_a_path_that_reads_as_another_host()
    {
        const string Token = "s3cret-token-for-tests";
        await using var harness = await DashboardHarness.StartAsync(new DashboardOptions { Token = Token });
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var http = new HttpClient(handler);
        var origin = harness.Dashboard.Url.GetLeftPart(UriPartial.Authority);

        foreach (var (path, expected) in new[] { ("/", "/"), ("/api/session", "/api/session"), ("//evil.example/", "/evil.example/"), ("///evil.example/x", "/evil.example/x") })
        {
            using var response = await http.GetAsync(new Uri($"{origin}{path}?token={Token}"));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var location = response.Headers.Location!.OriginalString;

            // "//evil.example/" as a Location is another site's address to a browser.
            Assert.Equal(expected, location);
            Assert.Equal(harness.Dashboard.Url.Authority, new Uri(harness.Dashboard.Url, location).Authority);
        }
    }
}
