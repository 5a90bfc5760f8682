using Switchboard.Dashboard.Home;
using Switchboard.Dashboard.Services;
using Switchboard.Dashboard.Traffic;
using Switchboard.Dashboard.Web;

namespace Switchboard.Dashboard;

/// <summary>
/// Composes what each page is sent from the three monitors, given where that page is (<see cref="Cursor"/>), and wakes
/// waiting pages when an entity or a service changes. Traffic does not wake anyone: at thousands of messages a second
/// the pages pick it up on their next tick instead.
/// </summary>
internal sealed class DashboardFeed(SwitchboardClient client, HomeMonitor home, ServiceMonitor services, TrafficMonitor traffic, DashboardOptions options, TimeProvider time)
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Where one page is: the versions and sequence numbers of what it has already been sent.</summary>
    public sealed class Cursor
    {
        public bool Started { get; set; }

        public long Home { get; set; }

        public long Topics { get; set; }

        public long Stream { get; set; }

        public DateTimeOffset Rates { get; set; } = DateTimeOffset.MinValue;
    }

    /// <summary>Completes at the next change of an entity or a service. Take it before <see cref="Next"/>, so that a
    /// change made while an update is built is not missed.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    public void Signal() =>
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>The next update for the page at <paramref name="cursor"/>, which it moves on.</summary>
    public DashboardUpdate Next(Cursor cursor)
    {
        // A page too far behind on removed entities is sent everything again, as on its first update.
        var (entities, homeVersion, homeFull) = home.Since(cursor.Started ? cursor.Home : 0);
        var full = !cursor.Started || homeFull;
        var (topics, removed, topicsReset, topicVersion) = traffic.TopicsSince(full ? 0 : cursor.Topics);
        var (messages, seq) = traffic.StreamSince(full ? 0 : cursor.Stream);
        var rates = traffic.RatesSince(full ? DateTimeOffset.MinValue : cursor.Rates);
        cursor.Started = true;
        cursor.Home = homeVersion;
        cursor.Topics = topicVersion;
        cursor.Stream = seq;
        if (rates.Count > 0)
        {
            cursor.Rates = rates[^1].At;
        }

        return new DashboardUpdate(full, Status(), entities, services.Snapshot(), topics, removed, topicsReset, messages, rates);
    }

    private StatusRow Status()
    {
        var stats = client.GetStats();
        return new StatusRow(stats.State.ToString(), stats.Broker, client.ClientId, time.GetUtcNow(), traffic.Total, traffic.TopicCount, options.MaxTopics,
            traffic.TopicsEvicted, options.MaxStreamMessages, traffic.StreamEvicted, stats.Reconnects, stats.LastError, options.Token is not null);
    }
}
