using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;

namespace Switchboard;

/// <summary>
/// Spans after OpenTelemetry's messaging conventions, on the <c>Switchboard</c> activity source: <c>publish {topic}</c>
/// (producer; its context is the message's creation context, sent as W3C <c>traceparent</c>/<c>tracestate</c> MQTT 5
/// user properties), <c>process {topic}</c> (consumer, around the handlers; child of the sender's context and linked to
/// it), <c>request {topic}</c> (client, around <c>RequestAsync</c>) and <c>receive {inbox}</c> (consumer, the wait for
/// the reply; linked to the reply's context). Also the two duration histograms of the messaging metrics conventions,
/// <c>messaging.client.operation.duration</c> (publish: accepted → written at QoS 0, acknowledged at QoS ≥ 1) and
/// <c>messaging.process.duration</c> (the handlers of one message). While nobody listens a publish costs one
/// <see cref="ActivitySource.HasListeners"/> check, one <see cref="Instrument.Enabled"/> check and one read of
/// <see cref="Activity.Current"/>, and allocates nothing.
/// </summary>
internal sealed class ClientTelemetry
{
    // The boundaries the conventions give for both duration histograms, in seconds.
    private static readonly InstrumentAdvice<double> DurationAdvice = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    };

    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    public static readonly ActivitySource Source = new(SwitchboardTelemetry.ActivitySourceName, typeof(ClientTelemetry).Assembly.GetName().Version?.ToString(3));

    private readonly string _clientId;
    private readonly string _serverAddress;
    private readonly int _serverPort;
    private readonly object _boxedPort;
    private readonly TimeProvider _time;
    private Histogram<double>? _operationDuration;
    private Histogram<double>? _processDuration;

    public ClientTelemetry(string clientId, string serverAddress, int serverPort, TimeProvider? time = null)
    {
        _clientId = clientId;
        _serverAddress = serverAddress;
        _serverPort = serverPort;
        _boxedPort = serverPort;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Creates the duration histograms on the client's meter; once, before the client sends or receives.</summary>
    public void AttachMeter(Meter meter)
    {
        _operationDuration = meter.CreateHistogram("messaging.client.operation.duration", "s", "Duration of a publish, from its acceptance until it is written (QoS 0) or acknowledged (QoS ≥ 1)", tags: null, DurationAdvice);
        _processDuration = meter.CreateHistogram("messaging.process.duration", "s", "Duration of the handlers of one received message", tags: null, DurationAdvice);
    }

    /// <summary>
    /// Starts the publish span of a message about to be queued (when someone listens) and puts the trace context into
    /// its user properties: the publish span's, else the caller's current activity's; none when neither exists.
    /// </summary>
    public OutgoingMessage OnPublish(OutgoingMessage message, string? conversationId = null)
    {
        var activity = Source.HasListeners() ? StartPublish(message, conversationId) : null;
        var timed = _operationDuration is { Enabled: true };
        if (activity is not null || timed)
        {
            message.Telemetry = new PublishTelemetry(this, activity, timed ? _time.GetTimestamp() : null);
        }

        if ((activity ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } context)
        {
            message.UserProperties = Inject(context);
        }

        return message;
    }

    private Activity? StartPublish(OutgoingMessage message, string? conversationId)
    {
        var ambient = Activity.Current;
        var activity = Source.StartActivity("publish", ActivityKind.Producer);
        if (activity is null)
        {
            return null;
        }

        // The span lasts until the broker has the message, long after this call: it must not become the caller's
        // current activity.
        Activity.Current = ambient;
        if (activity.IsAllDataRequested)
        {
            SetCommon(activity, "publish", "send", message.Topic);
            activity.SetTag("messaging.message.body.size", message.Payload.Length);
            activity.SetTag("messaging.message.id", message.EnvelopeId ?? ReadEnvelopeId(message.Payload.Span));
            activity.SetTag("messaging.message.conversation_id", conversationId);
        }

        return activity;
    }

    /// <summary>The span around a received message's handlers; null when nobody listens (check <see cref="ActivitySource.HasListeners"/> first).</summary>
    public Activity? StartProcess(MqttMessage message)
    {
        Activity? activity;
        if (TryExtract(message.UserProperties, out var creation))
        {
            // One message, pushed to its handler: the sender's context is the parent (so a request and its reply are
            // one trace) and, as the conventions ask of process spans, also a link.
            activity = Source.StartActivity(ActivityKind.Consumer, creation, name: "process");

            // Added once the span exists, so that a listener that samples the message out costs no link array.
            activity?.AddLink(new ActivityLink(creation));
        }
        else
        {
            activity = Source.StartActivity("process", ActivityKind.Consumer);
        }

        if (activity is { IsAllDataRequested: true })
        {
            SetCommon(activity, "process", "process", message.Topic);
            activity.SetTag("messaging.message.body.size", message.Payload.Length);
            activity.SetTag("messaging.message.id", ReadEnvelopeId(message.Payload.Span));
            if (!message.CorrelationData.IsEmpty)
            {
                activity.SetTag("messaging.message.conversation_id", Encoding.UTF8.GetString(message.CorrelationData.Span));
            }
        }

        return activity;
    }

    /// <summary>The span around <c>RequestAsync</c>; null when nobody listens. It becomes the current activity, so the
    /// request's publish and receive spans are its children.</summary>
    public Activity? StartRequest(string topic, string correlationId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("request", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            SetCommon(activity, "request", operationType: null, topic);
            activity.SetTag("messaging.message.conversation_id", correlationId);
        }

        return activity;
    }

    /// <summary>The span of the wait for a reply on <paramref name="inbox"/>; null when nobody listens.</summary>
    public Activity? StartReceive(string inbox, string correlationId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("receive", ActivityKind.Consumer);
        if (activity is { IsAllDataRequested: true })
        {
            SetCommon(activity, "receive", "receive", inbox);
            activity.SetTag("messaging.message.conversation_id", correlationId);
        }

        return activity;
    }

    /// <summary>The reply arrived: the receive span links to its creation context and describes it.</summary>
    public static void Received(Activity activity, MqttMessage reply, string? envelopeId)
    {
        if (TryExtract(reply.UserProperties, out var creation))
        {
            activity.AddLink(new ActivityLink(creation));
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("messaging.destination.name", reply.Topic);
            activity.SetTag("messaging.message.body.size", reply.Payload.Length);
            activity.SetTag("messaging.message.id", envelopeId);
        }
    }

    /// <summary>Marks a span failed with the error's type (<c>error.type</c>) and message.</summary>
    public static void Failed(Activity activity, Exception error) => Failed(activity, error.GetType().FullName ?? error.GetType().Name, error.Message);

    /// <summary>Marks a span failed.</summary>
    public static void Failed(Activity activity, string errorType, string? description)
    {
        activity.SetStatus(ActivityStatusCode.Error, description);
        activity.SetTag("error.type", errorType);
    }

    /// <summary>Ends a publish on whatever thread the message ended on: records its duration, and stops its span
    /// leaving that thread's current activity as it was.</summary>
    public void EndPublish(PublishTelemetry telemetry, string? errorType, string? description)
    {
        if (telemetry.Started is { } started && _operationDuration is { } histogram)
        {
            histogram.Record(_time.GetElapsedTime(started).TotalSeconds, MetricTags("publish", "send", errorType));
        }

        if (telemetry.Activity is not { } activity)
        {
            return;
        }

        if (errorType is not null)
        {
            Failed(activity, errorType, description);
        }

        var ambient = Activity.Current;
        activity.Stop();
        if (Activity.Current != ambient)
        {
            Activity.Current = ambient;
        }
    }

    /// <summary>The start of a message's handlers for <c>messaging.process.duration</c>; null when nobody listens to it.</summary>
    public long? StartProcessTiming() => _processDuration is { Enabled: true } ? _time.GetTimestamp() : null;

    /// <summary>Records the duration of a message's handlers (<paramref name="failure"/>: the last one that threw).</summary>
    public void EndProcessTiming(long? started, Exception? failure)
    {
        if (started is { } start && _processDuration is { } histogram)
        {
            histogram.Record(_time.GetElapsedTime(start).TotalSeconds, MetricTags("process", "process", failure?.GetType().FullName));
        }
    }

    // The destination is left out: topics are not known to be of low cardinality, as the conventions require of metrics.
    private TagList MetricTags(string operationName, string operationType, string? errorType)
    {
        var tags = new TagList
        {
            { "messaging.system", "mqtt" },
            { "messaging.operation.name", operationName },
            { "messaging.operation.type", operationType },
            { "server.address", _serverAddress },
            { "server.port", _boxedPort },
        };
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        return tags;
    }

    /// <summary>Reads the W3C trace context from MQTT 5 user properties (names matched case-insensitively, first wins).</summary>
    public static bool TryExtract(IReadOnlyList<KeyValuePair<string, string>> properties, out ActivityContext context)
    {
        string? parent = null;
        string? state = null;
        for (var i = 0; i < properties.Count; i++)
        {
            var (name, value) = properties[i];
            if (parent is null && string.Equals(name, TraceParent, StringComparison.OrdinalIgnoreCase))
            {
                parent = value;
            }
            else if (state is null && string.Equals(name, TraceState, StringComparison.OrdinalIgnoreCase))
            {
                state = value;
            }
        }

        context = default;
        return parent is not null && ActivityContext.TryParse(parent, state, isRemote: true, out context);
    }

    private static KeyValuePair<string, string>[] Inject(Activity context) => context.TraceStateString is { Length: > 0 } state
        ? [new(TraceParent, context.Id!), new(TraceState, state)]
        : [new(TraceParent, context.Id!)];

    private static string? ReadEnvelopeId(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload[0] != (byte)'{')
        {
            return null;
        }

        try
        {
            return EnvelopeCodec.TryReadHeader(payload, out var header, out _) ? header.Id : null;
        }
        catch (Exception)
        {
            return null;
        }
    }

    // The operation name is the span's (low-cardinality) OperationName; the display name, which exporters use as the
    // span name, is "{operation} {destination}". Built only for a span that is recorded, so a listener that samples
    // a message out costs no string.
    private void SetCommon(Activity activity, string operationName, string? operationType, string destination)
    {
        activity.DisplayName = operationName + " " + destination;
        activity.SetTag("messaging.system", "mqtt");
        activity.SetTag("messaging.operation.name", operationName);
        if (operationType is not null)
        {
            activity.SetTag("messaging.operation.type", operationType);
        }

        activity.SetTag("messaging.destination.name", destination);
        activity.SetTag("messaging.client.id", _clientId);
        activity.SetTag("server.address", _serverAddress);
        activity.SetTag("server.port", _serverPort);
    }
}
