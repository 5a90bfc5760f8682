using System.Collections.Concurrent;
using System.Text.Json;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>Request/response on MQTT 5 (response topic + correlation data) and 3.1.1 (envelope id).</summary>
public sealed class RequestResponseBehaviourTests
{
    public sealed record Question(string Text);

    public sealed record Answer(string Reply, int Length);

    public static TheoryData<string, Transport, MqttProtocol> BrokersAndProtocols()
    {
        var data = new TheoryData<string, Transport, MqttProtocol>();
        foreach (var (broker, transport) in TestBrokers.TransportPairs)
        {
            data.Add(broker, transport, MqttProtocol.V500);
            data.Add(broker, transport, MqttProtocol.V311);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BrokersAndProtocols))]
    public async Task Request_gets_the_correlated_reply(string brokerName, Transport transport, MqttProtocol protocol)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var responder = await TestClients.ConnectAsync(broker, transport, configure: o => o.Protocol = protocol);
        await using var requester = await TestClients.ConnectAsync(broker, transport, configure: o => o.Protocol = protocol);
        Assert.Equal(protocol, requester.Protocol);
        await using var sub = await responder.RespondAsync<Question, Answer>("llm/request", "llm.completion", (q, _) => ValueTask.FromResult(new Answer(q.Data.Text.ToUpperInvariant(), q.Data.Text.Length)));

        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            requester.RequestAsync<Question, Answer>("llm/request", "llm.request", new Question($"hello {i}"), TimeSpan.FromSeconds(10))));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal($"HELLO {i}", replies[i].Data.Reply);
            Assert.Equal("llm.completion", replies[i].Type);
            Assert.Equal(responder.SourceName, replies[i].Source);
        }

        Assert.Equal(5, replies.Select(r => r.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task A_python_style_responder_on_311_is_matched_by_envelope_id(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var requester = await TestClients.ConnectAsync(broker, transport, configure: o => o.Protocol = MqttProtocol.V311);
        await using var pythonService = await RawMqttClient.ConnectAsync(broker, b => b.WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311));
        pythonService.Client.ApplicationMessageReceivedAsync += async e =>
        {
            // What the Python services do: reply on a fixed topic, with correlation_id = the request's id.
            using var request = JsonDocument.Parse(e.ApplicationMessage.Payload);
            var id = request.RootElement.GetProperty("id").GetString();
            var text = request.RootElement.GetProperty("data").GetProperty("text").GetString();
            var reply = $"{{\"type\": \"llm.completion\", \"source\": \"llm-worker\", \"data\": {{\"reply\": \"{text}!\", \"length\": null}}, \"id\": \"{id}\", \"ts\": 1712345678}}";
            await pythonService.Client.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic("llm/response").WithPayload(reply).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        };
        await pythonService.SubscribeAsync("llm/request");

        var reply = await requester.RequestAsync<Question, JsonElement>("llm/request", "llm.request", new Question("hi"), TimeSpan.FromSeconds(10), replyTopic: "llm/response");
        Assert.Equal("hi!", reply.Data.GetProperty("reply").GetString());
        Assert.Equal("llm-worker", reply.Source);
        Assert.Equal(1712345678, reply.Timestamp);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task A_request_nobody_answers_times_out_with_a_clear_error(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var requester = await TestClients.ConnectAsync(broker, transport);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => requester.RequestAsync<Question, Answer>("nobody/home", "q", new Question("?"), TimeSpan.FromMilliseconds(300)));
        Assert.Contains("nobody/home", error.Message);

        using var cts = new CancellationTokenSource();
        var cancelled = requester.RequestAsync<Question, Answer>("nobody/home", "q", new Question("?"), TimeSpan.FromSeconds(30), cancellationToken: cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task A_handler_may_await_a_request_without_deadlocking_dispatch(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var backend = await TestClients.ConnectAsync(broker, transport);
        await using var service = await TestClients.ConnectAsync(broker, transport);
        await using var answer = await backend.RespondAsync<Question, Answer>("backend/ask", "backend.answer", (q, _) => ValueTask.FromResult(new Answer("42", 2)));
        var results = new ConcurrentQueue<string>();
        await using var sub = await service.SubscribeEventsAsync<Question>("front/ask", async (e, ct) =>
        {
            var reply = await service.RequestAsync<Question, Answer>("backend/ask", "backend.ask", e.Data, TimeSpan.FromSeconds(10), cancellationToken: ct);
            results.Enqueue(reply.Data.Reply);
        });

        await backend.PublishEventAsync("front/ask", "front.ask", new Question("meaning?"));
        await Eventually.WaitAsync(() => results.Contains("42"), "the handler's own request was answered");
        Assert.Equal(0, service.GetStats().HandlerErrors);
    }
}
