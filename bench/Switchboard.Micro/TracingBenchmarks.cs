using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;

namespace Switchboard.Micro;

/// <summary>
/// What tracing adds per message on the publish path (span, trace context, MQTT 5 header encode, end of span) and
/// around a handler (process span), with nobody listening to the <c>Switchboard</c> source, with a listener that
/// samples every message out, and with one that records everything (what OpenTelemetry does at 100 % sampling,
/// without an exporter).
/// </summary>
[MemoryDiagnoser]
public class TracingBenchmarks
{
    public enum Listening
    {
        Nobody,
        SampledOut,
        Recorded,
    }

    private readonly byte[] _payload = new byte[64];
    private readonly ArrayBufferWriter<byte> _header = new(256);
    private readonly ClientTelemetry _telemetry = new("bench-client", "127.0.0.1", 1883);
    private readonly Meter _meter = new("Switchboard.Micro.Tracing");
    private ActivityListener? _listener;
    private MqttMessage _received = null!;

    [Params(Listening.Nobody, Listening.SampledOut, Listening.Recorded)]
    public Listening Listener { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // As in a client: the duration histograms exist (nobody listens to them here).
        _telemetry.AttachMeter(_meter);
        if (Listener != Listening.Nobody)
        {
            var result = Listener == Listening.Recorded ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None;
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == SwitchboardTelemetry.ActivitySourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => result,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        _received = new MqttMessage("sensors/t1", _payload, Qos.AtLeastOnce)
        {
            UserProperties = [new("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")],
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _meter.Dispose();
    }

    /// <summary>The untraced baseline: the queue entry and its MQTT 5 header.</summary>
    [Benchmark(Baseline = true)]
    public int PublishUntraced()
    {
        var message = new OutgoingMessage("sensors/t1", _payload, Qos.AtMostOnce, retain: false, awaited: false);
        PublishPacketEncoder.WriteHeader(_header, message, 0, MqttProtocol.V500, 0);
        message.EndTelemetry(error: null);
        return _header.WrittenCount;
    }

    /// <summary>The same with tracing as <c>Post</c> does it: span (when sampled), trace context, end of span.</summary>
    [Benchmark]
    public int PublishTraced()
    {
        var message = _telemetry.OnPublish(new OutgoingMessage("sensors/t1", _payload, Qos.AtMostOnce, retain: false, awaited: false));
        PublishPacketEncoder.WriteHeader(_header, message, 0, MqttProtocol.V500, 0);
        message.EndTelemetry(error: null);
        return _header.WrittenCount;
    }

    /// <summary>The process span around a handler of a message that carries a traceparent (as the dispatcher does it).</summary>
    [Benchmark]
    public bool Process()
    {
        using var activity = ClientTelemetry.Source.HasListeners() ? _telemetry.StartProcess(_received) : null;
        return activity is not null;
    }
}
