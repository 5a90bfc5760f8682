namespace Switchboard;

/// <summary>
/// The names to listen to: <c>tracing.AddSource(SwitchboardTelemetry.ActivitySourceName)</c> and
/// <c>metrics.AddMeter(SwitchboardTelemetry.MeterName)</c> with OpenTelemetry, or an <c>ActivityListener</c> /
/// <c>MeterListener</c>. Nothing is recorded while nobody listens.
/// </summary>
public static class SwitchboardTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of the publish, process, request and receive spans: <c>Switchboard</c>.</summary>
    public const string ActivitySourceName = "Switchboard";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of the client's metrics: <c>Switchboard</c>.</summary>
    public const string MeterName = "Switchboard";
}
