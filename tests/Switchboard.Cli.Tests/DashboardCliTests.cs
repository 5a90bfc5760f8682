using System.Net;
using System.Text.RegularExpressions;

namespace Switchboard.Cli.Tests;

/// <summary><c>switchboard demo --dashboard</c> and <c>switchboard dashboard</c>, as a user runs them.</summary>
public sealed partial class DashboardCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Demo_with_the_dashboard_serves_the_simulated_home_on_loopback_until_stopped()
    {
        await using var demo = CliProcess.Start(null, "demo", "--dashboard", "--port", "0");
        await demo.WaitForOutputAsync("ready http://", Timeout);
        var url = ReadyUrl().Match(demo.Stderr).Groups[1].Value;
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);

        using var http = new HttpClient();
        using var page = await http.GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>Switchboard</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The first server-sent event is the full picture: the simulated home's kitchen light is in it.
        using var events = await http.GetAsync(new Uri(new Uri(url), "api/events"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        using var deadline = new CancellationTokenSource(Timeout);
        string? line;
        do
        {
            line = await reader.ReadLineAsync(deadline.Token);
        }
        while (line is not null && !line.StartsWith("data: ", StringComparison.Ordinal));

        Assert.NotNull(line);
        Assert.Contains("\"id\":\"kitchen_light\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_without_a_broker_or_with_a_bad_option_is_a_usage_error_naming_it()
    {
        var noBroker = await CliProcess.RunAsync(Timeout, "dashboard");
        Assert.Equal(2, noBroker.ExitCode);
        Assert.Contains("dashboard needs a broker", noBroker.Stderr, StringComparison.Ordinal);

        var badHost = await CliProcess.RunAsync(Timeout, "dashboard", "--url", "mqtt://127.0.0.1:1", "--host", "not-an-address");
        Assert.Equal(2, badHost.ExitCode);
        Assert.Contains("--host", badHost.Stderr, StringComparison.Ordinal);

        var help = await CliProcess.RunAsync(Timeout, "dashboard", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--token", help.Stdout, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"ready (http://\S+)")]
    private static partial Regex ReadyUrl();
}
