using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Switchboard.Bench;

/// <summary>
/// Raw MQTTnet 5 used well: a publish window of 100 concurrent PublishAsync calls (SemaphoreSlim) so QoS 1
/// acknowledgements overlap and QoS 0 writes pipeline behind MQTTnet's send lock, one MqttApplicationMessage per
/// message built without the builder, the subscriber on ApplicationMessageReceivedAsync with auto-ack. Protocol version
/// and transport from the target; TLS trusts the target's CA file only (WithTrustChain), host name checked.
/// </summary>
public sealed class MqttNetBenchClient : IBenchClient
{
    const int Window = 100;

    public string Name => ResultTable.RawMqttNet;

    static async Task<IMqttClient> ConnectAsync(BenchTarget target, string clientId)
    {
        var uri = new Uri(target.Url);
        var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(uri.Host, uri.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(target.Protocol == MqttProtocol.V500 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311)
            .WithCleanStart()
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (target.IsTls)
        {
            // Verification on: the chain must end at the CA file (custom root trust) and the name must match.
            var trust = new X509Certificate2Collection();
            if (target.CaFile is not null)
            {
                trust.ImportFromPemFile(target.CaFile);
            }

            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(uri.Host).WithRevocationMode(X509RevocationMode.NoCheck);
                if (trust.Count > 0)
                {
                    tls.WithTrustChain(trust);
                }
            });
        }

        await client.ConnectAsync(builder.Build());
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

    public async Task<RunResult> ThroughputAsync(BenchTarget target, int qos, int count)
    {
        var id = RunIds.Next();
        var topic = $"bench/{id}/mqttnet";
        using var pub = await ConnectAsync(target, $"mn-pub-{id}");
        using var sub = await ConnectAsync(target, $"mn-sub-{id}");
        var tally = new Tally(count);
        var level = (MqttQualityOfServiceLevel)qos;
        await SubscribeAsync(sub, topic, level, m => tally.Record(Payload.Sequence(m.Payload.FirstSpan)));

        var meter = Meter.Start();
        var start = Stopwatch.GetTimestamp();
        var publisher = new MqttNetWindowedPublisher(pub, Window);
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await publisher.PublishAsync(Message(topic, Payload.Create(i), level));
            }

            await publisher.DrainAsync();
        });
        await tally.WaitAsync(publishing, DeliveryWait.Benchmark);
        var reading = meter.Stop();
        await publishing;
        await DisconnectAsync(pub, sub);
        return tally.Throughput(start, reading) with { Note = publisher.Failures > 0 ? $"{publisher.Failures} publish failures" : null };
    }

    public async Task<RunResult> LatencyAsync(BenchTarget target, int rate, int warmup, int count)
    {
        var id = RunIds.Next();
        var topic = $"bench/{id}/mqttnet-lat";
        using var pub = await ConnectAsync(target, $"mn-pub-{id}");
        using var sub = await ConnectAsync(target, $"mn-sub-{id}");
        var recorder = new LatencyRecorder(warmup, count);
        await SubscribeAsync(sub, topic, MqttQualityOfServiceLevel.AtLeastOnce, m => recorder.Record(m.Payload.FirstSpan));
        var publisher = new MqttNetWindowedPublisher(pub, Window);
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

    public async Task<RunResult> EnvelopeAsync(BenchTarget target, int count)
    {
        var id = RunIds.Next();
        var topic = $"bench/{id}/mqttnet-env";
        using var pub = await ConnectAsync(target, $"mn-pub-{id}");
        using var sub = await ConnectAsync(target, $"mn-sub-{id}");
        var tally = new Tally(count);
        await SubscribeAsync(sub, topic, MqttQualityOfServiceLevel.AtLeastOnce, m =>
        {
            var envelope = JsonSerializer.Deserialize(m.Payload.FirstSpan, BenchJson.Default.RawEnvelope);
            tally.Record(envelope!.Data.Seq);
        });

        var meter = Meter.Start();
        var start = Stopwatch.GetTimestamp();
        var publisher = new MqttNetWindowedPublisher(pub, Window);
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
        await tally.WaitAsync(publishing, DeliveryWait.Benchmark);
        var reading = meter.Stop();
        await publishing;
        await DisconnectAsync(pub, sub);
        return tally.Throughput(start, reading);
    }

    public Task<RunResult> PostOfflineAsync(BenchTarget target, int count) =>
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
