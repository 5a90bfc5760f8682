namespace Switchboard.Dashboard.Services;

/// <summary>
/// One service as the page gets it: its last <c>health.status</c> (<c>system/health/&lt;id&gt;</c>) and its heartbeat
/// (<c>system/keepalive/&lt;id&gt;</c>). <see cref="Stale"/> is true once two heartbeat intervals have passed without one.
/// </summary>
internal sealed record ServiceRow(
    string Id,
    bool? Ok,
    string? Event,
    string? Error,
    string? Source,
    DateTimeOffset? HealthAt,
    DateTimeOffset? HeartbeatAt,
    double? HeartbeatIntervalSeconds,
    double? HeartbeatAgeSeconds,
    bool Stale,
    string? Extra,
    string? Problem);
