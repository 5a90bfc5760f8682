using System.Collections.Concurrent;
using System.Text;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>
/// Envelopes that cannot be read are counted as malformed and acknowledged, whatever their bytes: were one left
/// unacknowledged, as many of them as the client's receive-maximum would fill the broker's window for it, and the
/// client would stay connected while receiving nothing more.
/// </summary>
public sealed class PoisonEnvelopeTests
{
    public sealed record Reading(int Seq, double Value);

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public Task More_invalid_utf8_envelopes_than_the_receive_maximum_do_not_stall_a_deduplicating_client(string brokerName) =>
        PoisonedThenValidAsync(brokerName, dedupe: true);

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public Task Invalid_utf8_envelopes_are_malformed_not_handler_errors_without_dedupe(string brokerName) =>
        PoisonedThenValidAsync(brokerName, dedupe: false);

    private static async Task PoisonedThenValidAsync(string brokerName, bool dedupe)
    {
        const int receiveMaximum = 10, poisoned = 3 * receiveMaximum;
        await using var broker = await TestBrokers.StartAsync(brokerName);
        await using var receiver = await TestClients.ConnectAsync(broker, configure: o =>
        {
            o.DedupeTtl = dedupe ? TimeSpan.FromMinutes(1) : TimeSpan.Zero;
            o.IncomingQueueCapacity = receiveMaximum; // announced to the broker as the receive-maximum
        });
        var handled = new ConcurrentQueue<int>();
        await using var sub = await receiver.SubscribeEventsAsync<Reading>("poison/+", (e, _) =>
        {
            handled.Enqueue(e.Data.Seq);
            return ValueTask.CompletedTask;
        });
        await using var sender = await TestClients.ConnectAsync(broker);

        for (var i = 0; i < poisoned; i++)
        {
            await sender.PublishAsync("poison/t", Poisoned(i), Qos.AtLeastOnce).WithTimeout($"poisoned envelope {i} was accepted by the broker");
        }

        await sender.PublishEventAsync("poison/t", "sensor.reading", new Reading(1, 20.5)).WithTimeout("the valid envelope was accepted by the broker");

        await Eventually.WaitAsync(() => !handled.IsEmpty, TimeSpan.FromSeconds(15), "the valid envelope behind the poisoned ones was handled");
        Assert.Equal([1], handled);
        var stats = receiver.GetStats();
        Assert.Equal(poisoned, stats.MalformedEnvelopes);
        Assert.Equal(0, stats.HandlerErrors);
        Assert.Equal(ConnectionState.Connected, stats.State);
    }

    /// <summary>A well-formed envelope but for invalid UTF-8 in its id, type or source (in turn).</summary>
    private static byte[] Poisoned(int i)
    {
        var field = (i % 3) switch { 0 => "id", 1 => "type", _ => "source" };
        var json = $$$"""{"id":"{{{i:x32}}}","type":"sensor.reading","ts":1712345678.5,"source":"probe","data":{"seq":{{{i}}},"value":1.0}}""";
        var at = json.IndexOf($"\"{field}\":\"", StringComparison.Ordinal) + field.Length + 4;
        return [.. Encoding.UTF8.GetBytes(json[..at]), 0xFF, 0xC0, 0x80, .. Encoding.UTF8.GetBytes(json[at..])];
    }
}
