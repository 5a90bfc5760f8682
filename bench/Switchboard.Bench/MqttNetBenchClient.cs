using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Switchboard.Bench;

/// <summary>
/// Raw MQTTnet 5 used well: a publish window of 100 (SemaphoreSlim) so acknowledgements overlap, one prebuilt
/// MqttApplicationMessage per message (no builder), the subscriber on ApplicationMessageReceivedAsync with auto-ack.
/// </summary>
public sealed class MqttNetBenchClient : IBenchClient
{
    const int Window = 100;

    public string Name => "raw MQTTnet";

    static async Task<IMqttClient> ConnectAsync(string url, string clientId)
    {
        var uri = new Uri(url);
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(uri.Host, uri.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart()
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        await client.ConnectAsync(options);
        return client;
    }

    static async Task SubscribeAsync(IMqttClient client, string topic, MqttQualityOfServiceLevel qos, Action<MqttApplicationMessage> onMessage)
    {
        client.ApplicationMessageReceivedAsync += e =>
        {
            onMessage(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, qos).Build());
    }

    static MqttApplicationMessage Message(string topic, byte[] payload, MqttQualityOfServiceLevel qos) => new()
    {
        Topic = topic,
        Payload = new ReadOnlySequence<byte>(payload),
        QualityOfServiceLevel = qos,
    };

    /// <summary>Publishes with at most <see cref="Window"/> outstanding; returns when all completed.</summary>
    sealed class WindowedPublisher(IMqttClient client)
    {
        readonly SemaphoreSlim _window = new(Window, Window);
        int _failures;

        public int Failures => _failures;

        public async ValueTask PublishAsync(MqttApplicationMessage message)
        {
            await _window.WaitAsync();
            _ = Send(message);
        }

        async Task Send(MqttApplicationMessage message)
        {
            try
            {
                await client.PublishAsync(message);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _failures);
            }
            finally
            {
                _window.Release();
            }
        }

        public async Task DrainAsync()
        {
            for (var i = 0; i < Window; i++)
            {
                await _window.WaitAsync();
            }

            _window.Release(Window);
        }
    }

    public async Task<RunResult> ThroughputAsync(string url, int qos, int count)
    {
        var id = RunIds.Next();
        var topic = $"bench/{id}/mqttnet";
        using var pub = await ConnectAsync(url, $"mn-pub-{id}");
        using var sub = await ConnectAsync(url, $"mn-sub-{id}");
        var tally = new Tally(count);
        var level = (MqttQualityOfServiceLevel)qos;
        await SubscribeAsync(sub, topic, level, m => tally.Record(Payload.Sequence(m.Payload.FirstSpan)));

        var meter = Meter.Start();
        var start = Stopwatch.GetTimestamp();
        var publisher = new WindowedPublisher(pub);
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await publisher.PublishAsync(Message(topic, Payload.Create(i), level));
            }

            await publisher.DrainAsync();
        });
        await tally.WaitAsync(publishing, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(120));
        var reading = meter.Stop();
        await publishing;
        await DisconnectAsync(pub, sub);
        return tally.Throughput(start, reading) with { Note = publisher.Failures > 0 ? $"{publisher.Failures} publish failures" : null };
    }

    public async Task<RunResult> LatencyAsync(string url, int rate, int warmup, int count)
    {
        var id = RunIds.Next();
        var topic = $"bench/{id}/mqttnet-lat";
        using var pub = await ConnectAsync(url, $"mn-pub-{id}");
        using var sub = await ConnectAsync(url, $"mn-sub-{id}");
        var recorder = new LatencyRecorder(warmup, count);
        await SubscribeAsync(sub, topic, MqttQualityOfServiceLevel.AtLeastOnce, m => recorder.Record(m.Payload.FirstSpan));
        var publisher = new WindowedPublisher(pub);
        Meter? meter = null;
        await Pacer.RunAsync(rate, warmup + count, i =>
        {
            if (i == warmup)
            {
                meter = Meter.Start();
            }

            publisher.PublishAsync(Message(topic, Payload.Create(i), MqttQualityOfServiceLevel.AtLeastOnce)).AsTask().GetAwaiter().GetResult();
        });
        await publisher.DrainAsync();
        await recorder.WaitAsync(TimeSpan.FromSeconds(5));
        var reading = meter!.Stop();
        await DisconnectAsync(pub, sub);
        return Stats.Latencies(recorder.Samples, count, reading, count);
    }

    public async Task<RunResult> EnvelopeAsync(string url, int count)
    {
        var id = RunIds.Next();
        var topic = $"bench/{id}/mqttnet-env";
        using var pub = await ConnectAsync(url, $"mn-pub-{id}");
        using var sub = await ConnectAsync(url, $"mn-sub-{id}");
        var tally = new Tally(count);
        await SubscribeAsync(sub, topic, MqttQualityOfServiceLevel.AtLeastOnce, m =>
        {
            var envelope = JsonSerializer.Deserialize(m.Payload.FirstSpan, BenchJson.Default.RawEnvelope);
            tally.Record(envelope!.Data.Seq);
        });

        var meter = Meter.Start();
        var start = Stopwatch.GetTimestamp();
        var publisher = new WindowedPublisher(pub);
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                var envelope = new RawEnvelope(Guid.NewGuid().ToString("N"), "bench.event", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, "mqttnet", new EventData(i, Stopwatch.GetTimestamp()));
                var bytes = JsonSerializer.SerializeToUtf8Bytes(envelope, BenchJson.Default.RawEnvelope);
                await publisher.PublishAsync(Message(topic, bytes, MqttQualityOfServiceLevel.AtLeastOnce));
            }

            await publisher.DrainAsync();
        });
        await tally.WaitAsync(publishing, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(120));
        var reading = meter.Stop();
        await publishing;
        await DisconnectAsync(pub, sub);
        return tally.Throughput(start, reading);
    }

    public Task<RunResult> PostOfflineAsync(string url, int count) =>
        Task.FromResult(RunResult.Skip("n/a: MQTTnet's PublishAsync throws when not connected (no offline queue)"));

    static async Task DisconnectAsync(params IMqttClient[] clients)
    {
        foreach (var client in clients)
        {
            try
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptions());
            }
            catch (Exception)
            {
                // Best effort.
            }
        }
    }
}
