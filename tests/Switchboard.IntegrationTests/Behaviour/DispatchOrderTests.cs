using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>
/// Handlers run one message at a time in arrival order, whether they complete at once (run in place on the receive
/// path) or await (the rest queue behind them, bounded by the incoming queue).
/// </summary>
public sealed class DispatchOrderTests
{
    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task Handlers_that_sometimes_await_see_every_message_once_in_order_and_never_concurrently(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        // A tiny incoming queue so the receive path has to wait for the awaiting handlers (backpressure).
        await using var subscriber = await TestClients.ConnectAsync(broker, transport, configure: o => o.IncomingQueueCapacity = 4);
        await using var publisher = await TestClients.ConnectAsync(broker, transport);
        var seen = new List<int>();
        var running = 0;
        var overlapped = 0;
        await using var sub = await subscriber.SubscribeAsync("lane/#", async (m, ct) =>
        {
            if (Interlocked.Increment(ref running) > 1)
            {
                Interlocked.Increment(ref overlapped);
            }

            var n = int.Parse(m.PayloadAsString(), System.Globalization.CultureInfo.InvariantCulture);
            if (n % 3 == 0)
            {
                // Really asynchronous: the drain leaves the receive path and later messages queue behind this one.
                await Task.Delay(1, ct);
            }

            lock (seen)
            {
                seen.Add(n);
            }

            Interlocked.Decrement(ref running);
        }, Qos.AtLeastOnce);

        const int total = 300;
        for (var i = 0; i < total; i++)
        {
            Assert.True(publisher.Post($"lane/{i % 5}", $"{i}", Qos.AtLeastOnce));
        }

        await Eventually.WaitAsync(() => { lock (seen) { return seen.Count >= total; } }, TimeSpan.FromSeconds(30), "every message was handled");
        lock (seen)
        {
            Assert.Equal(Enumerable.Range(0, total), seen);
        }

        Assert.Equal(0, overlapped);
        Assert.Equal(0, subscriber.GetStats().HandlerErrors);
    }

    [Fact]
    public async Task A_handler_that_blocks_the_receive_path_is_named_in_a_warning()
    {
        await using var broker = await TestBrokers.StartAsync(TestBrokers.MqttNet);
        var logs = new CapturingLoggerFactory();
        await using var subscriber = new SwitchboardClient(TestClients.Options(broker.Url), logs);
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            await subscriber.ConnectAsync(cts.Token);
        }

        await using var publisher = await TestClients.ConnectAsync(broker);
        var handled = 0;
        await using var sub = await subscriber.SubscribeAsync("blocking/+", (m, _) =>
        {
            if (m.Topic == "blocking/slow")
            {
                // The behaviour under test: a handler that blocks instead of awaiting.
                Thread.Sleep(TimeSpan.FromMilliseconds(600));
            }

            Interlocked.Increment(ref handled);
            return ValueTask.CompletedTask;
        });

        await publisher.PublishAsync("blocking/fast", "1");
        await publisher.PublishAsync("blocking/slow", "2");
        await Eventually.WaitAsync(() => Volatile.Read(ref handled) == 2, TimeSpan.FromSeconds(15), "both messages were handled");
        await Eventually.WaitAsync(() => logs.Entries.Any(e => e.Message.Contains("held the receive path", StringComparison.Ordinal)), TimeSpan.FromSeconds(5), "the blocking warning was logged");

        var warnings = logs.Entries.Where(e => e.Message.Contains("held the receive path", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("blocking/+", warning.Message);
        Assert.Contains("blocking/slow", warning.Message);
    }
}
