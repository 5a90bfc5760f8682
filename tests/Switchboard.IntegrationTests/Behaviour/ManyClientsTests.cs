using System.Diagnostics;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>Many clients in one process (a bridge, a simulator, a gateway): 200 Switchboard clients on one Mosquitto.
/// The full measurement (1,000 clients, memory and idle CPU) is <c>bench/Switchboard.Bench --many-clients</c>.</summary>
public sealed class ManyClientsTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    private const int Clients = 200;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_hundred_clients_connect_together_without_a_thread_each_and_all_receive()
    {
        var prefix = $"many/{Guid.NewGuid():N}";

        // One client first, so the runtime's own threads (thread pool, timers, sockets) exist before the count.
        await using (await TestClients.ConnectAsync(fixture.Broker, $"many-warm-{Guid.NewGuid():N}"[..22]))
        {
        }

        var threadsBefore = ThreadCount();
        var clients = Enumerable.Range(0, Clients)
            .Select(i => new SwitchboardClient(TestClients.Options(fixture.Broker.Url, $"many-{i}-{Guid.NewGuid():N}"[..22])))
            .ToArray();
        try
        {
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(clients.Select(c => c.ConnectAsync())).WithTimeout(Bound, $"{Clients} clients to connect");
            var connectAll = clock.Elapsed;
            Assert.All(clients, c => Assert.Equal(ConnectionState.Connected, c.State));

            var received = new int[Clients];
            var subscriptions = await Task.WhenAll(clients.Select((c, i) => c.SubscribeAsync($"{prefix}/all", (_, _) =>
            {
                Interlocked.Increment(ref received[i]);
                return ValueTask.CompletedTask;
            }, Qos.AtLeastOnce))).WithTimeout(Bound, $"{Clients} subscriptions");

            // Threads are shared, not one per client (nor one per connection's read loop or keep-alive).
            var threadsWith = ThreadCount();
            Assert.True(threadsWith - threadsBefore < Clients / 4,
                $"{Clients} connected clients took the process from {threadsBefore} to {threadsWith} threads");

            await clients[0].PublishAsync($"{prefix}/all", "hello"u8.ToArray(), Qos.AtLeastOnce).WithTimeout(Bound, "the publish");
            await Eventually.WaitAsync(() => received.All(n => n == 1), Bound,
                $"every client received the message once (missing at {received.Count(n => n == 0)})");
            Assert.True(connectAll < Bound, $"connected in {connectAll.TotalSeconds:0.00} s");

            foreach (var subscription in subscriptions)
            {
                await subscription.DisposeAsync();
            }
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).WithTimeout(Bound, $"{Clients} clients to shut down");
        }

        Assert.All(clients, c => Assert.Equal(ConnectionState.Disconnected, c.State));
    }

    private static int ThreadCount()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }
}
