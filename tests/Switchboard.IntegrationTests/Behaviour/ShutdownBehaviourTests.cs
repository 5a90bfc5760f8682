using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>
/// Shutting down. A service that stops on a command message shuts its client down from inside a handler: the
/// shutdown waits for running handlers, so it must not wait for the one that called it. Publishing afterwards is
/// refused the way each call reports refusals.
/// </summary>
public sealed class ShutdownBehaviourTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task After_shutdown_Post_returns_false_and_PublishAsync_throws(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        var client = await TestClients.ConnectAsync(broker, transport);
        await client.ShutdownAsync().WithTimeout(Bound, "the shutdown");
        var errors = client.GetStats().PublishErrors;

        // A timer of another service may still post while the host stops: that must not throw into it.
        Assert.False(client.Post("after/shutdown", "late"));
        Assert.Equal(errors + 1, client.GetStats().PublishErrors);
        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => client.PublishAsync("after/shutdown", "late"));
        Assert.Contains("shut down", error.Message);
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task A_handler_that_shuts_its_own_client_down_is_not_waited_for(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        var service = await TestClients.ConnectAsync(broker, transport, "svc-stop", o => o.DrainTimeout = TimeSpan.FromMinutes(1));
        try
        {
            var shutdown = await ShutDownFromHandlerAsync(broker, transport, service, awaitFirst: false);

            // The drain timeout is a minute: finishing within the bound means the handler was not waited for.
            await shutdown.WithTimeout(Bound, "the shutdown called by the handler");
            Assert.Equal(ConnectionState.Disconnected, service.State);
        }
        finally
        {
            await service.DisposeAsync().AsTask().WithTimeout(Bound, "disposing the service");
        }
    }

    [Theory]
    [MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]
    public async Task A_handler_that_awaited_first_is_waited_for_at_most_the_drain_timeout(string brokerName, Transport transport)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        var service = await TestClients.ConnectAsync(broker, transport, "svc-stop-late", o => o.DrainTimeout = TimeSpan.FromMilliseconds(300));
        try
        {
            var shutdown = await ShutDownFromHandlerAsync(broker, transport, service, awaitFirst: true);
            await shutdown.WithTimeout(Bound, "the shutdown called by the handler after an await");
            Assert.Equal(ConnectionState.Disconnected, service.State);
        }
        finally
        {
            await service.DisposeAsync().AsTask().WithTimeout(Bound, "disposing the service");
        }
    }

    private static async Task<Task> ShutDownFromHandlerAsync(ITestBroker broker, Transport transport, SwitchboardClient service, bool awaitFirst)
    {
        var called = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        await service.SubscribeAsync("control/stop", async ValueTask (_, _) =>
        {
            if (awaitFirst)
            {
                // Off the receive path: the dispatcher can no longer tell that this is one of its handlers.
                await Task.Yield();
            }

            var shutdown = service.ShutdownAsync();
            called.TrySetResult(shutdown);
            await shutdown;
        });

        await using var operator_ = await TestClients.ConnectAsync(broker, transport);
        await operator_.PublishAsync("control/stop", "now");
        return await called.Task.WithTimeout(Bound, "the stop command reached the handler");
    }
}
