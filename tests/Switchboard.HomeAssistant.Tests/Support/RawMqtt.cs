using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace Switchboard.HomeAssistant.Tests.Support;

/// <summary>A message as a raw subscriber saw it (retain as published).</summary>
internal sealed record RawMessage(string Topic, string Payload, bool Retain, int Qos);

/// <summary>
/// A plain MQTTnet 5 client standing in for Zigbee2MQTT, Tasmota or Home Assistant: publishes raw payloads, and records
/// what it receives with MQTT 5's retain-as-published, so tests can assert the exact topic, payload and retain flag.
/// </summary>
internal sealed class RawMqtt : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<RawMessage> _received = new();

    private RawMqtt(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            _received.Enqueue(new RawMessage(message.Topic, Encoding.UTF8.GetString(message.Payload.ToArray()), message.Retain, (int)message.QualityOfServiceLevel));
            return Task.CompletedTask;
        };
    }

    public IReadOnlyList<RawMessage> Received => [.. _received];

    public static async Task<RawMqtt> ConnectAsync(TestBroker broker, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", broker.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart()
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(options, timeout.Token);
        return new RawMqtt(client);
    }

    public async Task PublishAsync(string topic, string payload, bool retain = false, int qos = 1)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos)
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _client.PublishAsync(message, timeout.Token);
    }

    public async Task SubscribeAsync(string filter)
    {
        var options = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainAsPublished(true))
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _client.SubscribeAsync(options, timeout.Token);
    }

    /// <summary>Waits for the first received message matching <paramref name="match"/>.</summary>
    public async Task<RawMessage> WaitForAsync(Func<RawMessage, bool> match, string because)
    {
        RawMessage? found = null;
        await Eventually.WaitAsync(() => (found = _received.FirstOrDefault(match)) is not null, because);
        return found!;
    }

    /// <summary>Forgets what was received so far.</summary>
    public void Clear() => _received.Clear();

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
        }
        catch (Exception)
        {
            // Already gone with its broker.
        }

        _client.Dispose();
    }
}
