using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.Support;

/// <summary>A message as a raw subscriber saw it (retain as published).</summary>
internal sealed record RawMessage(string Topic, string Payload, bool Retain, int Qos);

/// <summary>
/// A <see cref="RawMqttClient"/> standing in for Zigbee2MQTT, Tasmota or Home Assistant: publishes raw payloads, and
/// subscribes with MQTT 5's retain-as-published, so tests can assert the exact topic, payload and retain flag.
/// <see cref="Clear"/> forgets what was received so far.
/// </summary>
internal sealed class RawMqttPeer : IAsyncDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private readonly RawMqttClient _client;
    private int _cleared;

    private RawMqttPeer(RawMqttClient client) => _client = client;

    /// <summary>What was received since the last <see cref="Clear"/>, in arrival order.</summary>
    public IReadOnlyList<RawMessage> Received
    {
        get
        {
            var all = _client.Received;
            return [.. all.Skip(Math.Min(Volatile.Read(ref _cleared), all.Count)).Select(ToRawMessage)];
        }
    }

    public static async Task<RawMqttPeer> ConnectAsync(ITestBroker broker, string clientId)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        var client = await RawMqttClient.ConnectAsync(broker, options => options.WithClientId(clientId).WithCleanStart(), timeout.Token);
        return new RawMqttPeer(client);
    }

    public async Task PublishAsync(string topic, string payload, bool retain = false, int qos = 1)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        await _client.PublishAsync(topic, payload, (MqttQualityOfServiceLevel)qos, retain, timeout.Token);
    }

    public async Task SubscribeAsync(string filter)
    {
        var options = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainAsPublished(true))
            .Build();
        using var timeout = new CancellationTokenSource(CallTimeout);
        await _client.Client.SubscribeAsync(options, timeout.Token);
    }

    /// <summary>Waits for the first received message (since the last <see cref="Clear"/>) matching <paramref name="match"/>.</summary>
    public async Task<RawMessage> WaitForAsync(Func<RawMessage, bool> match, string because)
    {
        RawMessage? found = null;
        await Eventually.WaitAsync(() => (found = Received.FirstOrDefault(match)) is not null, because);
        return found!;
    }

    /// <summary>Forgets what was received so far.</summary>
    public void Clear() => Volatile.Write(ref _cleared, _client.Received.Count);

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private static RawMessage ToRawMessage(MqttApplicationMessage message) =>
        new(message.Topic, Encoding.UTF8.GetString(message.Payload), message.Retain, (int)message.QualityOfServiceLevel);
}
