using System.Diagnostics;

namespace Switchboard;

/// <summary>What one traced or timed publish carries until it ends: its span (when recorded) and its start (when the
/// <c>messaging.client.operation.duration</c> histogram is listened to). Allocated only while someone listens.</summary>
internal sealed class PublishTelemetry(ClientTelemetry owner, Activity? activity, long? started)
{
    public Activity? Activity { get; } = activity;

    /// <summary>The <see cref="TimeProvider"/> timestamp the publish was accepted at; null when not timed.</summary>
    public long? Started { get; } = started;

    public void End(string? errorType, string? description) => owner.EndPublish(this, errorType, description);
}
