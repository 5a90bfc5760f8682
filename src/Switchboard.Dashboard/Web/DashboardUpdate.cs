using Switchboard.Dashboard.Home;
using Switchboard.Dashboard.Services;
using Switchboard.Dashboard.Traffic;

namespace Switchboard.Dashboard.Web;

/// <summary>
/// One push to a page. The first (<see cref="Full"/>) carries everything; later ones only what changed since the
/// page's previous update (entities, topics, new stream messages, new rate points). Services and the status come every
/// time: they are small and their ages move with the clock.
/// </summary>
internal sealed record DashboardUpdate(
    bool Full,
    StatusRow Status,
    IReadOnlyList<EntityRow> Entities,
    IReadOnlyList<ServiceRow> Services,
    IReadOnlyList<TopicRow> Topics,
    IReadOnlyList<string> RemovedTopics,
    bool TopicsReset,
    IReadOnlyList<StreamRow> Messages,
    IReadOnlyList<RatePoint> Rates);

/// <summary>The dashboard's own connection and its counters, including what the caps evicted.</summary>
internal sealed record StatusRow(
    string Connection,
    string? Broker,
    string ClientId,
    DateTimeOffset Now,
    long MessagesSeen,
    int Topics,
    int MaxTopics,
    long TopicsEvicted,
    int MaxStreamMessages,
    long StreamEvicted,
    long Reconnects,
    string? LastError,
    bool ControlsNeedToken);
