using System.Diagnostics;
using System.Globalization;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Faults;

namespace Switchboard.Reliability;

/// <summary>
/// A publisher process with a durable outbox is SIGKILLed mid-stream while its connection is stalled (so accepted
/// messages pile up unsent); a second process with the same client id then drains the outbox. Every message the first
/// process reported as accepted must reach the subscriber.
/// </summary>
public static class ChildCrashScenario
{
    public static async Task<ScenarioResult> RunAsync(int count, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        await using var broker = new MosquittoBroker();
        await broker.StartAsync();
        await using var proxy = TcpFaultProxy.For(broker);
        var tally = new StreamTally();
        await using var subscriber = new SwitchboardClient(Scenarios.Options(broker.Url, "rel-crash-sub-" + Guid.NewGuid().ToString("N")[..8]));
        await subscriber.ConnectAsync(cancellationToken);
        await using var subscription = await subscriber.SubscribeAsync("reliability/child", (m, _) =>
        {
            tally.Record(long.Parse(m.PayloadAsString(), CultureInfo.InvariantCulture));
            return ValueTask.CompletedTask;
        }, Qos.AtLeastOnce, cancellationToken);

        var outbox = Path.Combine(Path.GetTempPath(), "sb-crash-" + Guid.NewGuid().ToString("N"));
        var clientId = "rel-crash-pub-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var lastAccepted = -1L;
            var deliveredBeforeKill = 0;
            using (var child = Start($"publish --url {proxy.Url} --client-id {clientId} --outbox {outbox} --count {count}"))
            {
                while (await child.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (!line.StartsWith("accepted ", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    lastAccepted = long.Parse(line.AsSpan(9), CultureInfo.InvariantCulture);
                    if (lastAccepted == count / 4)
                    {
                        // From here on, accepted messages can only be in the outbox (or the kernel's socket buffer).
                        proxy.Stall();
                    }

                    if (lastAccepted >= count * 3 / 4)
                    {
                        deliveredBeforeKill = tally.Unique;
                        child.Kill(entireProcessTree: true);
                        break;
                    }
                }

                await child.WaitForExitAsync(cancellationToken);
            }

            proxy.Resume(cutStalledConnections: true);
            var recoverStart = Stopwatch.GetTimestamp();
            using (var drainer = Start($"publish --url {broker.Url} --client-id {clientId} --outbox {outbox} --count 0"))
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(TimeSpan.FromSeconds(60));
                while (await drainer.StandardOutput.ReadLineAsync(deadline.Token) is { } line && line != "drained")
                {
                }

                await drainer.WaitForExitAsync(deadline.Token);
            }

            var expected = lastAccepted + 1;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                wait.CancelAfter(TimeSpan.FromSeconds(10));
                while (tally.Missing(expected).Count > 0 && !wait.IsCancellationRequested)
                {
                    await Task.Delay(10, CancellationToken.None);
                }
            }

            var missing = tally.Missing(expected);
            return new ScenarioResult
            {
                Scenario = "publisher process SIGKILLed mid-stream, durable outbox drained by a new process",
                Accepted = expected,
                Delivered = expected - missing.Count,
                Lost = missing.Count,
                Duplicates = tally.Duplicates,
                Reorderings = tally.Reorderings,
                MaxRecovery = Stopwatch.GetElapsedTime(recoverStart),
                Duration = clock.Elapsed,
                Notes = $"{deliveredBeforeKill} delivered before the kill, {expected - deliveredBeforeKill} recovered from the outbox" + (missing.Count > 0 ? $"; missing e.g. {string.Join(",", missing.Take(5))}" : string.Empty),
            };
        }
        finally
        {
            if (Directory.Exists(outbox))
            {
                Directory.Delete(outbox, recursive: true);
            }
        }
    }

    /// <summary>Runs this program again as a child (<c>dotnet Switchboard.Reliability.dll …</c>).</summary>
    private static Process Start(string arguments) => StartChild(arguments);

    /// <summary>Runs this program again as a child (<c>dotnet Switchboard.Reliability.dll …</c>), its stdout read by the caller.</summary>
    public static Process StartChild(string arguments, bool redirectInput = false)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Switchboard.Reliability.dll");
        var info = new ProcessStartInfo("dotnet", $"\"{dll}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the child publisher");
    }
}
