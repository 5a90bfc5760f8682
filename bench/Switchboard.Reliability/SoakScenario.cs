using System.Diagnostics;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Faults;

namespace Switchboard.Reliability;

/// <summary>
/// The soak: steady QoS 1 traffic through a Mosquitto (persistence on) behind two fault proxies, a fault every few
/// seconds in rotation, and a resource row of this process every sample interval, printed as it is taken.
/// </summary>
public static class SoakScenario
{
    /// <param name="settings">How long, how fast, how often.</param>
    /// <param name="output">Receives the resource rows as they are taken.</param>
    /// <param name="detail">Receives a <see cref="MemoryDetail"/> line per row (where the resident memory is), or null.</param>
    /// <param name="cancellationToken">Stops the soak.</param>
    public static async Task<SoakResult> RunAsync(SoakSettings settings, TextWriter output, TextWriter? detail = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        settings.Validate();
        // The database on a tmpfs where there is one: Mosquitto fsyncs after every change, and on a disk that caps a
        // steady stream at the fsync rate (about 500 a second on the CI kind of machine), below the soak's rate.
        // A tmpfs survives a SIGKILL of the broker as well as a disk does.
        await using var broker = new MosquittoBroker(new BrokerOptions
        {
            Persistence = true,
            PersistenceParent = Directory.Exists("/dev/shm") ? "/dev/shm" : null,
        });
        await broker.StartAsync();
        await using var publisherProxy = TcpFaultProxy.For(broker);
        await using var subscriberProxy = TcpFaultProxy.For(broker);
        await using var traffic = new SoakTraffic(settings, publisherProxy.Url, subscriberProxy.Url);
        await traffic.StartAsync(cancellationToken);
        var faults = new FaultRotation(broker, publisherProxy, subscriberProxy);
        var rows = new List<ResourceSample>();
        void Sample(TimeSpan at)
        {
            var row = ResourceSample.Capture(at, traffic.Sent, traffic.Received, faults.Injected);
            rows.Add(row);
            output.WriteLine(row.ToRow());
            output.Flush();
            detail?.WriteLine(MemoryDetail.Capture().Describe(row.Minute));
        }

        output.WriteLine(ResourceSample.Header);
        var clock = Stopwatch.StartNew();
        Sample(clock.Elapsed);
        var publishing = traffic.PublishAsync(settings.Duration, cancellationToken);

        // One loop schedules both, against the clock: a row falls due before a fault due at the same moment, so
        // rows are taken the furthest from the last fault, when the backlog it caused has drained.
        var nextSample = settings.SampleInterval;
        var nextFault = settings.FaultInterval;
        while (true)
        {
            var due = nextSample < nextFault ? nextSample : nextFault;
            if (due >= settings.Duration)
            {
                break;
            }

            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            if (nextSample <= clock.Elapsed)
            {
                Sample(clock.Elapsed);
                nextSample += settings.SampleInterval;
            }

            if (nextFault <= clock.Elapsed)
            {
                await faults.InjectNextAsync();
                nextFault += settings.FaultInterval;
            }
        }

        await publishing;
        await traffic.DrainAsync(cancellationToken);
        Sample(clock.Elapsed);

        var missing = traffic.Missing();
        var measured = rows.Where(r => r.Minute >= settings.WarmUp.TotalMinutes).ToList();
        return new SoakResult
        {
            Settings = settings,
            Rows = rows,
            Trends =
            [
                Trend.Of("RSS", "MiB", measured, r => r.RssMiB, settings.RssMiBPerMinute),
                Trend.Of("GC heap", "MiB", measured, r => r.GcHeapMiB, settings.GcHeapMiBPerMinute),
                Trend.Of("threads", "threads", measured, r => r.Threads, settings.ThreadsPerMinute),
                Trend.Of("handles", "handles", measured, r => r.Handles, settings.HandlesPerMinute),
            ],
            Sent = traffic.Sent,
            Delivered = traffic.Received,
            LostByClient = missing.ByClient,
            LostByBroker = missing.ByBroker,
            MissingExamples = missing.Examples,
            FailedPublishes = traffic.Failed,
            Duplicates = traffic.Duplicates,
            Reorderings = traffic.Reorderings,
            Reconnects = traffic.Reconnects,
            SessionsLost = traffic.SessionsLost,
            Faults = faults.Counts,
            Duration = clock.Elapsed,
        };
    }
}
