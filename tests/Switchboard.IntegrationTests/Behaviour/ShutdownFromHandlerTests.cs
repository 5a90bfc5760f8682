using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>
/// A service that stops on a command message shuts its client down from inside a handler: the shutdown waits for
/// running handlers, so it must not wait for the one that called it.
/// </summary>
public sealed class ShutdownFromHandlerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Theory]
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_handler_that_shuts_its_own_client_down_is_not_waited_for(string brokerName)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        var service = await TestClients.ConnectAsync(broker, "svc-stop", o => o.DrainTimeout = TimeSpan.FromMinutes(1));
        try
        {
            var shutdown = await ShutDownFromHandlerAsync(broker, service, awaitFirst: false);

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
    [MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]
    public async Task A_handler_that_awaited_first_is_waited_for_at_most_the_drain_timeout(string brokerName)
    {
        await using var broker = await TestBrokers.StartAsync(brokerName);
        var service = await TestClients.ConnectAsync(broker, "svc-stop-late", o => o.DrainTimeout = TimeSpan.FromMilliseconds(300));
        try
        {
            var shutdown = await ShutDownFromHandlerAsync(broker, service, awaitFirst: true);
            await shutdown.WithTimeout(Bound, "the shutdown called by the handler after an await");
            Assert.Equal(ConnectionState.Disconnected, service.State);
        }
        finally
        {
            await service.DisposeAsync().AsTask().WithTimeout(Bound, "disposing the service");
        }
    }

    private static async Task<Task> ShutDownFromHandlerAsync(ITestBroker broker, SwitchboardClient service, bool awaitFirst)
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

        await using var operator_ = await TestClients.ConnectAsync(broker);
        await operator_.PublishAsync("control/stop", "now");
        return await called.Task.WithTimeout(Bound, "the stop command reached the handler");
    }
}
