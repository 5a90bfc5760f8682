using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Reliability;

/// <summary>
/// N members of one <c>$share/&lt;group&gt;/&lt;filter&gt;</c> group on Mosquitto, each its own process with a
/// persistent session (<see cref="ChildShareMember"/>); one is SIGKILLed mid-stream, the stream goes on, then the
/// killed member is started again with the same client id. Counted per message: handled once, twice or more, never —
/// before and after the restart. With <c>persistent: false</c> the members use clean sessions, for comparison: what the
/// broker had given the killed member is gone with its session (every publish was acknowledged by the broker, so
/// whatever is never handled counts as the broker's).
/// </summary>
public static class SharedSubscriptionScenario
{
    /// <summary>The scenario's figures beyond the report row.</summary>
    public sealed record Outcome(ScenarioResult Row, int Once, int Twice, int NeverBeforeRestart, int NeverAfterRestart, int RoutedToDeadMember, int[] PerMember);

    public static async Task<Outcome> RunAsync(int members, int messages, bool persistent = true, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        await using var broker = new MosquittoBroker();
        await broker.StartAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        var filter = $"$share/workers-{run}/jobs/{run}/+";
        var counts = new ConcurrentDictionary<long, int>();
        var perMember = new int[members];
        var afterRestart = new ConcurrentBag<long>();
        var children = new Process?[members];
        var readers = new List<Task>();
        var killedAt = -1L;

        async Task StartMemberAsync(int index, bool restarted)
        {
            var child = ChildCrashScenario.StartChild($"share-member --url {broker.Url} --client-id share-{run}-{index} --filter {filter}{(persistent ? string.Empty : " --clean")}", redirectInput: true);
            children[index] = child;
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            readers.Add(Task.Run(async () =>
            {
                while (await child.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
                {
                    if (line.StartsWith("ready", StringComparison.Ordinal))
                    {
                        ready.TrySetResult();
                    }
                    else if (line.StartsWith("got ", StringComparison.Ordinal))
                    {
                        var sequence = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
                        counts.AddOrUpdate(sequence, 1, static (_, n) => n + 1);
                        Interlocked.Increment(ref perMember[index]);
                        if (restarted)
                        {
                            afterRestart.Add(sequence);
                        }
                    }
                }

                ready.TrySetException(new InvalidOperationException($"share member {index} exited before it was ready"));
            }, CancellationToken.None));
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, members).Select(i => StartMemberAsync(i, restarted: false)));
            await using var publisher = new SwitchboardClient(Scenarios.Options(broker.Url, $"share-pub-{run}", o => o.QueueCapacity = messages + 10));
            await publisher.ConnectAsync(cancellationToken);

            var acks = new List<Task>(messages);
            for (var i = 0; i < messages; i++)
            {
                acks.Add(publisher.PublishAsync($"jobs/{run}/{i % 4}", Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)), Qos.AtLeastOnce, cancellationToken: cancellationToken));
                if (i == messages / 3)
                {
                    // Mid-stream, with messages in flight to every member: no goodbye, no acknowledgement of what it holds.
                    await Task.WhenAll(acks);
                    children[0]!.Kill();
                    await children[0]!.WaitForExitAsync(cancellationToken);
                    killedAt = i;
                }

                if (i % 50 == 49)
                {
                    // Paced: a stream, not one burst, so the group keeps routing while the member is gone.
                    await Task.WhenAll(acks.Skip(acks.Count - 50));
                }
            }

            await Task.WhenAll(acks).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

            // The living members handle what they were given; what remains unhandled is in the dead member's session.
            var settle = Stopwatch.StartNew();
            var previous = -1;
            var quietSince = Stopwatch.StartNew();
            while (settle.Elapsed < TimeSpan.FromSeconds(20) && quietSince.Elapsed < TimeSpan.FromSeconds(1))
            {
                if (counts.Count != previous)
                {
                    previous = counts.Count;
                    quietSince.Restart();
                }

                await Task.Delay(20, cancellationToken);
            }

            var neverBefore = messages - counts.Count;
            var restart = Stopwatch.GetTimestamp();
            await StartMemberAsync(0, restarted: true);
            var bound = Stopwatch.StartNew();
            while (counts.Count < messages && bound.Elapsed < TimeSpan.FromSeconds(persistent ? 30 : 3))
            {
                await Task.Delay(20, cancellationToken);
            }

            var recovered = Stopwatch.GetElapsedTime(restart);
            var once = counts.Values.Count(n => n == 1);
            var twice = counts.Values.Count(n => n >= 2);
            var never = messages - counts.Count;
            var routedToDead = afterRestart.Distinct().Count(s => s > killedAt);
            var row = new ScenarioResult
            {
                Scenario = $"shared subscription, {members} member processes ({(persistent ? "persistent sessions" : "clean sessions")}), one SIGKILLed mid-stream and restarted with its client id",
                Accepted = messages,
                Delivered = counts.Count,
                Lost = never,
                LostByBroker = never,
                Duplicates = counts.Values.Sum(n => Math.Max(0, n - 1)),
                MaxRecovery = recovered,
                Duration = clock.Elapsed,
                Notes = $"handled once {once}, twice or more {twice}, never {never}; " + (persistent
                    ? $"before the restart {neverBefore} waited in the dead member's session, {routedToDead} of them published after the kill (Mosquitto kept routing to the offline member); "
                    : $"{neverBefore} unhandled at the kill went with the member's clean session (Mosquitto gives them to no other member); ") +
                    $"per member {string.Join("/", perMember)}",
            };
            return new Outcome(row, once, twice, neverBefore, never, routedToDead, perMember);
        }
        finally
        {
            foreach (var child in children)
            {
                if (child is null)
                {
                    continue;
                }

                try
                {
                    if (!child.HasExited)
                    {
                        child.StandardInput.Close();
                        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                        try
                        {
                            await child.WaitForExitAsync(exit.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            child.Kill();
                        }
                    }
                }
                finally
                {
                    child.Dispose();
                }
            }

            await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
    }
}
