using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Switchboard.Cli.Tests;

/// <summary>
/// The live views in a real terminal: <c>devices --watch</c> and <c>health --watch</c> (a Spectre.Console live table)
/// run in detached tmux sessions (scripts/test.sh installs tmux) on a private tmux server, 200×60, against the
/// simulator on its embedded broker; the panes are read with <c>tmux capture-pane -p</c> while the test drives changes
/// with <c>set</c> and <c>pub</c>.
/// </summary>
public sealed partial class WatchTerminalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Devices_and_health_watch_show_the_home_and_follow_changes_in_a_terminal()
    {
        await using var simulate = CliProcess.Start(null, "simulate");
        await simulate.WaitForOutputAsync("ready mqtt://", Timeout);
        var url = ReadyUrl().Match(simulate.Stderr).Groups[1].Value;
        // A private tmux server: its own socket under its own short TMUX_TMPDIR, removed afterwards.
        var server = new TmuxServer(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"sb-tmux-{Guid.NewGuid():N}"[..16])).FullName);
        try
        {
            await TmuxAsync(server, "new-session", "-d", "-s", "devices", "-x", "200", "-y", "60", $"dotnet '{CliProcess.CliPath}' devices --watch --url {url}");
            await TmuxAsync(server, "new-session", "-d", "-s", "health", "-x", "200", "-y", "60", $"dotnet '{CliProcess.CliPath}' health --watch --url {url}");

            // The table of the home, the kitchen light off, then the watch.
            var devices = await WaitForPaneAsync(server, "devices", p => p.Contains("watching", StringComparison.Ordinal));
            Assert.Matches(KitchenRow("off"), devices);
            Assert.Contains("┌", devices, StringComparison.Ordinal);

            var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, "set", "light.kitchen", "on", "--url", url);
            Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
            await WaitForPaneAsync(server, "devices", p => KitchenChange().IsMatch(p));

            // The live table: the simulator's own health (its client id has a per-process suffix), then a service that
            // appears and is lost.
            await WaitForPaneAsync(server, "health", p => ServiceRow(@"switchboard-simulator[-\w]*", "yes", "ready").IsMatch(p));
            (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, "pub", "--url", url, "--topic", "system/health/tmux-probe", "--type", "health.status",
                "--message", """{"message_id":"0123456789abcdef0123456789abcdef","ok":false,"event":"lost","timestamp":1712345678.5}""", "--retain");
            Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
            var health = await WaitForPaneAsync(server, "health", p => ServiceRow("tmux-probe", "no", "lost").IsMatch(p));
            Assert.Matches(ServiceRow(@"switchboard-simulator[-\w]*", "yes", "ready"), health);
        }
        finally
        {
            // Only this test's tmux server, with the CLIs it runs.
            await TmuxAsync(server, "kill-server");
            Directory.Delete(server.Directory, recursive: true);
        }
    }

    private static Regex KitchenRow(string state) => new($@"light\.kitchen\s*│\s*light\s*│\s*Kitchen\s*│\s*{state}\b");

    private static Regex ServiceRow(string service, string ok, string @event) => new($@"{service}\s*│\s*{ok}\s*│\s*{@event}\s*│");

    [GeneratedRegex(@"ready (mqtt://\S+)")]
    private static partial Regex ReadyUrl();

    /// <summary>A watch line: <c>12:00:01 light.kitchen on, brightness 255, …</c>.</summary>
    [GeneratedRegex(@"\d\d:\d\d:\d\d light\.kitchen on\b")]
    private static partial Regex KitchenChange();

    private static async Task<string> WaitForPaneAsync(TmuxServer server, string session, Func<string, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        var pane = string.Empty;
        while (deadline.Elapsed < Timeout)
        {
            pane = await TmuxAsync(server, "capture-pane", "-p", "-t", session);
            if (done(pane))
            {
                return pane;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"the {session} pane did not show what was expected within {Timeout.TotalSeconds} s:\n{pane}");
        return pane;
    }

    private static async Task<string> TmuxAsync(TmuxServer server, params string[] args)
    {
        var (code, output) = await BuildTool.RunAsync("tmux", ["-L", "switchboard", "-f", "/dev/null", .. args], TimeSpan.FromSeconds(20),
            environment: new Dictionary<string, string> { ["TERM"] = "xterm-256color", ["TMUX_TMPDIR"] = server.Directory });
        Assert.True(code == 0 || args[0] == "kill-server", output);
        return output;
    }

    private sealed record TmuxServer(string Directory);
}
