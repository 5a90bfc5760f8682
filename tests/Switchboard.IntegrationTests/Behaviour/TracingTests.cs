using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using MQTTnet.Packets;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>Activity listeners are process-wide: the tracing tests run alone, so that "nobody listens" holds.</summary>
[CollectionDefinition(nameof(TracingCollection), DisableParallelization = true)]
public sealed class TracingCollection;

/// <summary>Spans on the <c>Switchboard</c> activity source and the W3C trace context in MQTT 5 user properties, on Mosquitto.</summary>
[Collection(nameof(TracingCollection))]
public sealed class TracingTests
{
    public sealed record Question(string Text);

    public sealed record Answer(string Reply);

    [Fact]
    public async Task A_request_and_its_reply_between_two_clients_are_one_trace()
    {
        var spans = new List<Activity>();
        using var tracer = ExportTo(spans);
        await using var broker = await TestBrokers.StartAsync(TestBrokers.Mosquitto);
        await using var responder = await TestClients.ConnectAsync(broker, Transport.Tcp);
        await using var requester = await TestClients.ConnectAsync(broker, Transport.Tcp);
        var topic = RawMqttClient.UniqueTopic("svc/echo");
        await using var sub = await responder.RespondAsync<Question, Answer>(topic, "echo.reply", (q, _) => ValueTask.FromResult(new Answer(q.Data.Text + "!")));

        var reply = await requester.RequestAsync<Question, Answer>(topic, "echo.request", new Question("hi"), TimeSpan.FromSeconds(10));
        Assert.Equal("hi!", reply.Data.Reply);

        var inbox = $"switchboard/replies/{requester.ClientId}";
        var all = await WaitForSpansAsync(spans, s => s.Count(a => Tag(a, "messaging.client.id") is { } id && (id == requester.ClientId || id == responder.ClientId)) >= 5);
        Activity Span(string name, SwitchboardClient by) => Assert.Single(all, a => a.DisplayName == name && Tag(a, "messaging.client.id") == by.ClientId);

        var request = Span($"request {topic}", requester);
        var published = Span($"publish {topic}", requester);
        var process = Span($"process {topic}", responder);
        var replied = Span($"publish {inbox}", responder);
        var received = Span($"receive {inbox}", requester);

        // One trace, in this shape: request → publish → (broker) → process → publish reply; request → receive ⇢ reply.
        Assert.All(new[] { published, process, replied, received }, a => Assert.Equal(request.TraceId, a.TraceId));
        Assert.Equal(request.SpanId, published.ParentSpanId);
        Assert.Equal(published.SpanId, process.ParentSpanId);
        Assert.Contains(process.Links, l => l.Context.SpanId == published.SpanId);
        Assert.Equal(process.SpanId, replied.ParentSpanId);
        Assert.Equal(request.SpanId, received.ParentSpanId);
        Assert.Contains(received.Links, l => l.Context.SpanId == replied.SpanId);

        Assert.Equal(ActivityKind.Client, request.Kind);
        Assert.Equal(ActivityKind.Producer, published.Kind);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(ActivityKind.Producer, replied.Kind);
        Assert.Equal(ActivityKind.Consumer, received.Kind);

        Assert.All(new[] { request, published, process, replied, received }, a =>
        {
            Assert.Equal("mqtt", Tag(a, "messaging.system"));
            Assert.Equal(broker.Host, Tag(a, "server.address"));
            Assert.Equal(broker.Port, a.GetTagItem("server.port"));
            Assert.Equal(reply.Id, Tag(a, "messaging.message.conversation_id"));
            Assert.NotEqual(ActivityStatusCode.Error, a.Status);
        });
        Assert.Equal("send", Tag(published, "messaging.operation.type"));
        Assert.Equal("publish", Tag(published, "messaging.operation.name"));
        Assert.Equal("process", Tag(process, "messaging.operation.type"));
        Assert.Equal("receive", Tag(received, "messaging.operation.type"));
        Assert.Equal(topic, Tag(process, "messaging.destination.name"));
        Assert.Equal(inbox, Tag(replied, "messaging.destination.name"));

        // The request and the reply both carry the request's envelope id (as the Python services expect).
        Assert.Equal(reply.Id, Tag(published, "messaging.message.id"));
        Assert.Equal(reply.Id, Tag(process, "messaging.message.id"));
        Assert.Equal(reply.Id, Tag(received, "messaging.message.id"));
        Assert.True((int)published.GetTagItem("messaging.message.body.size")! > 0);
        Assert.Equal(published.GetTagItem("messaging.message.body.size"), process.GetTagItem("messaging.message.body.size"));
    }

    [Fact]
    public async Task A_request_nobody_answers_ends_its_request_and_receive_spans_failed()
    {
        var spans = new List<Activity>();
        using var tracer = ExportTo(spans);
        await using var broker = await TestBrokers.StartAsync(TestBrokers.Mosquitto);
        await using var requester = await TestClients.ConnectAsync(broker, Transport.Tcp);
        var topic = RawMqttClient.UniqueTopic("nobody");

        await Assert.ThrowsAsync<TimeoutException>(() => requester.RequestAsync<Question, Answer>(topic, "q", new Question("?"), TimeSpan.FromMilliseconds(300)));

        var all = await WaitForSpansAsync(spans, s => s.Count(a => Tag(a, "messaging.client.id") == requester.ClientId) >= 3);
        var request = Assert.Single(all, a => a.DisplayName == $"request {topic}");
        var receive = Assert.Single(all, a => a.DisplayName == $"receive switchboard/replies/{requester.ClientId}");
        var publish = Assert.Single(all, a => a.DisplayName == $"publish {topic}");
        Assert.All(new[] { request, receive }, a =>
        {
            Assert.Equal(ActivityStatusCode.Error, a.Status);
            Assert.Equal(typeof(TimeoutException).FullName, Tag(a, "error.type"));
        });
        Assert.Equal(ActivityStatusCode.Unset, publish.Status);
    }

    [Fact]
    public async Task On_311_the_payload_is_unchanged_no_user_properties_are_sent_and_the_spans_stay_local()
    {
        var spans = new List<Activity>();
        using var tracer = ExportTo(spans);
        await using var broker = await TestBrokers.StartAsync(TestBrokers.Mosquitto);
        await using var publisher = await TestClients.ConnectAsync(broker, Transport.Tcp, configure: o => o.Protocol = MqttProtocol.V311);
        await using var subscriber311 = await TestClients.ConnectAsync(broker, Transport.Tcp, configure: o => o.Protocol = MqttProtocol.V311);
        await using var observer = await RawMqttClient.ConnectAsync(broker);
        var topic = RawMqttClient.UniqueTopic("legacy");
        await observer.SubscribeAsync($"{topic}/#");
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var sub = await subscriber311.SubscribeAsync($"{topic}/#", (_, _) =>
        {
            handled.TrySetResult();
            return ValueTask.CompletedTask;
        });
        Assert.Equal(MqttProtocol.V311, publisher.Protocol);

        var raw = "{\"id\":\"0123456789abcdef0123456789abcdef\",\"type\":\"t\",\"ts\":1.5,\"source\":\"s\",\"data\":{}}"u8.ToArray();
        await publisher.PublishAsync($"{topic}/raw", raw);
        var id = await publisher.PublishEventAsync($"{topic}/event", "legacy.event", new Question("ß ℹ"));

        var first = await observer.NextMessageAsync(TimeSpan.FromSeconds(10));
        var second = await observer.NextMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(raw, first.Payload.ToArray());
        Assert.Null(first.UserProperties);
        Assert.Null(second.UserProperties);
        using (var envelope = JsonDocument.Parse(second.Payload))
        {
            Assert.Equal(["id", "type", "ts", "source", "data"], envelope.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(id, envelope.RootElement.GetProperty("id").GetString());
        }

        await handled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var all = await WaitForSpansAsync(spans, s => s.Any(a => a.DisplayName == $"process {topic}/raw" && Tag(a, "messaging.client.id") == subscriber311.ClientId)
            && s.Count(a => a.DisplayName.StartsWith("publish ", StringComparison.Ordinal) && Tag(a, "messaging.client.id") == publisher.ClientId) == 2);

        // Spans on both sides, but nothing connects them: no context travelled.
        var publish = Assert.Single(all, a => a.DisplayName == $"publish {topic}/raw");
        var process = Assert.Single(all, a => a.DisplayName == $"process {topic}/raw" && Tag(a, "messaging.client.id") == subscriber311.ClientId);
        Assert.NotEqual(publish.TraceId, process.TraceId);
        Assert.Equal(default, process.ParentSpanId);
        Assert.Empty(process.Links);
    }

    [Fact]
    public async Task With_no_listener_no_trace_context_is_added_but_a_current_activity_is_propagated()
    {
        Assert.False(ClientTelemetry.Source.HasListeners(), "Another test left a listener on the Switchboard source.");
        Assert.Null(Activity.Current);
        await using var broker = await TestBrokers.StartAsync(TestBrokers.Mosquitto);
        await using var publisher = await TestClients.ConnectAsync(broker, Transport.Tcp);
        await using var observer = await RawMqttClient.ConnectAsync(broker);
        var topic = RawMqttClient.UniqueTopic("quiet");
        await observer.SubscribeAsync(topic);

        await publisher.PublishAsync(topic, "plain", Qos.AtLeastOnce);
        Assert.True(publisher.Post(topic, Encoding.UTF8.GetBytes("posted")));
        await publisher.PublishEventAsync(topic, "quiet.event", new Question("?"));
        for (var i = 0; i < 3; i++)
        {
            var message = await observer.NextMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Null(message.UserProperties);
        }

        // An activity of the application's own (HTTP request, job …) is carried even when nobody listens to Switchboard.
        using (var outer = new Activity("outer").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            outer.TraceStateString = "app=1";
            await publisher.PublishAsync(topic, "in context", Qos.AtLeastOnce);
            var message = await observer.NextMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal([("traceparent", outer.Id!), ("tracestate", "app=1")], message.UserProperties.Select(p => (p.Name, p.ReadValueAsString())));
        }
    }

    [Fact]
    public async Task The_conventional_messaging_metrics_count_and_time_publishes_and_handlers()
    {
        await using var broker = await TestBrokers.StartAsync(TestBrokers.Mosquitto);
        var clientId = RawMqttClient.UniqueClientId("metrics");
        var durations = new ConcurrentQueue<(string Instrument, double Seconds, Dictionary<string, object?> Tags)>();
        var counters = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SwitchboardTelemetry.MeterName && instrument.Name.StartsWith("messaging.", StringComparison.Ordinal)
                && instrument.Meter.Tags?.Any(t => t.Key == "switchboard.client_id" && (string?)t.Value == clientId) == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => durations.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + (tags.ToArray().Any(t => t.Key == "error.type") ? "/failed" : string.Empty);
            counters[key] = value;
        });
        listener.Start();

        await using var client = await TestClients.ConnectAsync(broker, Transport.Tcp, clientId);
        var topic = RawMqttClient.UniqueTopic("metered");
        var collector = new MessageCollector();
        await using var sub = await client.SubscribeAsync(topic, collector.Handler);
        for (var i = 0; i < 3; i++)
        {
            await client.PublishAsync(topic, "x", Qos.AtLeastOnce);
        }

        await collector.WaitForAsync(3);
        await Eventually.WaitAsync(() => durations.Count(d => d.Instrument == "messaging.process.duration") == 3, "three handler runs were timed");
        listener.RecordObservableInstruments();

        var publishes = durations.Where(d => d.Instrument == "messaging.client.operation.duration").ToList();
        Assert.Equal(3, publishes.Count);
        Assert.All(publishes, d =>
        {
            Assert.InRange(d.Seconds, 0, 10);
            Assert.Equal("mqtt", d.Tags["messaging.system"]);
            Assert.Equal("publish", d.Tags["messaging.operation.name"]);
            Assert.Equal("send", d.Tags["messaging.operation.type"]);
            Assert.Equal(broker.Port, d.Tags["server.port"]);
            Assert.False(d.Tags.ContainsKey("error.type"));
        });
        Assert.All(durations.Where(d => d.Instrument == "messaging.process.duration"), d => Assert.Equal("process", d.Tags["messaging.operation.name"]));
        Assert.Equal(3, counters["messaging.client.sent.messages"]);
        Assert.Equal(0, counters["messaging.client.sent.messages/failed"]);
        Assert.Equal(3, counters["messaging.client.consumed.messages"]);
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name) as string;

    /// <summary>The OpenTelemetry SDK listening to Switchboard's source, exporting finished spans into <paramref name="spans"/>.</summary>
    private static TracerProvider ExportTo(List<Activity> spans) =>
        Sdk.CreateTracerProviderBuilder().AddSource(SwitchboardTelemetry.ActivitySourceName).AddInMemoryExporter(spans).Build();

    private static async Task<List<Activity>> WaitForSpansAsync(List<Activity> spans, Func<List<Activity>, bool> done)
    {
        try
        {
            await Eventually.WaitAsync(() => done(Snapshot(spans)), TimeSpan.FromSeconds(10), "the spans were exported");
        }
        catch (TimeoutException)
        {
            // The assertions that follow say which span is missing.
        }

        return Snapshot(spans);
    }

    // The exporter adds under its own lock, on the thread that ended the span: copy, and skip a slot caught mid-add.
    private static List<Activity> Snapshot(List<Activity> spans) => spans.ToArray().Where(a => a is not null).ToList();
}
