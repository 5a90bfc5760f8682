using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard;

namespace StatusPublisher;

/// <summary>
/// Publishes a faculty member's status every second without ever blocking the loop: <c>Post</c> only queues
/// (QoS 1, so nothing is lost across reconnects), and the slowest call is logged next to the client's stats.
/// </summary>
public sealed partial class FacultyStatusLoop(SwitchboardClient mqtt, TimeProvider time, ILogger<FacultyStatusLoop> logger) : BackgroundService
{
    private static readonly string[] Statuses = ["available", "in consultation", "away"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slowest = TimeSpan.Zero;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        for (var tick = 0; await timer.WaitForNextTickAsync(stoppingToken); tick++)
        {
            var status = new FacultyStatus(7, Statuses[tick % Statuses.Length], time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
            var payload = JsonSerializer.SerializeToUtf8Bytes(status, StatusJsonContext.Default.FacultyStatus);
            var started = Stopwatch.GetTimestamp();
            var queued = mqtt.Post("consultease/faculty/7/status", payload, Qos.AtLeastOnce);
            if (tick > 0)
            {
                // The first call pays for JIT compilation; what matters is every call after it.
                slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, Stopwatch.GetElapsedTime(started).Ticks));
            }
            if (!queued)
            {
                LogRefused(logger);
            }

            if (tick % 10 == 0)
            {
                var stats = mqtt.GetStats();
                LogStats(logger, stats.Published, stats.Queued, stats.Dropped, stats.Reconnects, stats.State, slowest.TotalMicroseconds);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The outgoing queue is full; status update refused (counted as dropped)")]
    private static partial void LogRefused(ILogger logger);

    [LoggerMessage(2, LogLevel.Information, "published {Published}, queued {Queued}, dropped {Dropped}, reconnects {Reconnects}, state {State}; slowest Post {SlowestMicroseconds:0.0} µs")]
    private static partial void LogStats(ILogger logger, long published, int queued, long dropped, long reconnects, ConnectionState state, double slowestMicroseconds);
}

/// <summary>The status message: <c>{"faculty_id":7,"status":"away","timestamp":1712345678.123}</c>.</summary>
public sealed record FacultyStatus(int FacultyId, string Status, double Timestamp);

/// <summary>Source-generated JSON (snake_case): no reflection, so the sample publishes with Native AOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FacultyStatus))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
