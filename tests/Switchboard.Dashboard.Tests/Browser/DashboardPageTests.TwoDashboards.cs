using Microsoft.Playwright;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>Two dashboards on one machine, open in one browser.</summary>
public sealed partial class DashboardPageTests
{
    [Fact]
    public async Task Two_dashboards_with_their_own_tokens_on_one_host_do_not_log_each_other_out()
    {
        // Cookies are per host, not per port: the browser sends each dashboard's cookie to the other.
        const string TokenA = "token-of-dashboard-a";
        const string TokenB = "token-of-dashboard-b";
        await using var harness = await DashboardHarness.StartAsync(new DashboardOptions { Token = TokenA });
        await using var other = new SwitchboardDashboard(harness.Client, harness.Registry, new DashboardOptions { Port = 0, Token = TokenB });
        await other.StartAsync();

        var context = await chromium.Browser.NewContextAsync();
        await using var _ = context;
        context.SetDefaultTimeout(Timeout);
        var a = await context.NewPageAsync();
        await a.GotoAsync(new Uri(harness.Dashboard.Url, $"?token={TokenA}").ToString());
        var b = await context.NewPageAsync();
        await b.GotoAsync(new Uri(other.Url, $"?token={TokenB}").ToString());

        const string Session = "async () => (await fetch('/api/session', { credentials: 'same-origin' })).status";
        Assert.Equal(200, await b.EvaluateAsync<int>(Session));
        Assert.Equal(200, await a.EvaluateAsync<int>(Session));

        // A's anti-forgery token, then B hands out its own: A's control must still carry a valid pair.
        var session = await a.EvaluateAsync<string[]>("async () => { const s = await (await fetch('/api/session')).json(); return [s.headerName, s.csrf]; }");
        Assert.Equal(200, await b.EvaluateAsync<int>(Session));
        var refusal = await a.EvaluateAsync<string>(
            "async ([header, token]) => (await fetch('/api/command', { method: 'POST', headers: { 'Content-Type': 'application/json', [header]: token }, body: JSON.stringify({ id: 'kitchen_light', action: 'fly' }) })).text()",
            session);
        Assert.Contains("(light) has no ", refusal, StringComparison.Ordinal);
    }
}
