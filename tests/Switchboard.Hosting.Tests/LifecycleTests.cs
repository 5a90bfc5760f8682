using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.Hosting.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task StartAsync_connects_and_StopAsync_publishes_shutdown_health_and_disconnects()
    {
        await using var broker = new MosquittoBroker(new BrokerOptions());
        await broker.StartAsync();
        using var cts = TestTimeout.Start();
        var clientId = TestHost.ClientId("lifecycle");

        await using var observer = new SwitchboardClient(new SwitchboardOptions { Url = broker.Url, ClientId = TestHost.ClientId("observer") });
        var events = new ConcurrentQueue<string>();
        await observer.ConnectAsync(cts.Token);
        await using var sub = await observer.SubscribeAsync($"system/health/{clientId}", (m, _) =>
        {
            using var doc = JsonDocument.Parse(m.Payload);
            var data = doc.RootElement.GetProperty("data");
            events.Enqueue($"{data.GetProperty("event").GetString()}:{data.GetProperty("ok").GetBoolean()}");
            return ValueTask.CompletedTask;
        }, Qos.AtLeastOnce, cts.Token);

        var host = TestHost.Build(TestHost.Section(broker.Url, clientId, ("Switchboard:EnableHealth", "true")));
        try
        {
            var client = host.Services.GetRequiredService<SwitchboardClient>();
            Assert.Equal(ConnectionState.Disconnected, client.State);

            await host.StartAsync(cts.Token);
            Assert.Equal(ConnectionState.Connected, client.State);
            await Eventually.WaitAsync(() => events.Contains("ready:True"), TimeSpan.FromSeconds(10), "the ready health of the hosted client");

            await host.StopAsync(cts.Token);
            await Eventually.WaitAsync(() => events.Contains("shutdown:False"), TimeSpan.FromSeconds(10), "the shutdown health published by StopAsync");
            Assert.Equal(ConnectionState.Disconnected, client.State);
            Assert.DoesNotContain("lost:False", events); // a clean disconnect: the broker discarded the will
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_fatal_fault_stops_the_application()
    {
        await using var broker = new EmbeddedBroker();
        await broker.StartAsync();
        using var cts = TestTimeout.Start();
        var clientId = TestHost.ClientId("takeover");
        var host = TestHost.Build(TestHost.Section(broker.Url, clientId));
        try
        {
            await host.StartAsync(cts.Token);
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            var client = host.Services.GetRequiredService<SwitchboardClient>();

            // A second client with the same id takes the session over: fatal (reconnecting would kick it off in a loop).
            await using var intruder = new SwitchboardClient(new SwitchboardOptions { Url = broker.Url, ClientId = clientId });
            await intruder.ConnectAsync(cts.Token);

            await Eventually.WaitAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, TimeSpan.FromSeconds(10), "StopApplication after the fault");
            Assert.Equal(ConnectionState.Faulted, client.State);
            await host.StopAsync(cts.Token);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_fault_leaves_the_application_running_when_StopApplicationOnFault_is_off()
    {
        await using var broker = new EmbeddedBroker();
        await broker.StartAsync();
        using var cts = TestTimeout.Start();
        var clientId = TestHost.ClientId("takeover-off");
        var host = TestHost.Build(TestHost.Section(broker.Url, clientId), sb => sb.ConfigureHosting(o => o.StopApplicationOnFault = false));
        try
        {
            await host.StartAsync(cts.Token);
            var client = host.Services.GetRequiredService<SwitchboardClient>();
            var faulted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.StateChanged += (_, e) =>
            {
                if (e.Current == ConnectionState.Faulted)
                {
                    faulted.TrySetResult();
                }
            };

            await using var intruder = new SwitchboardClient(new SwitchboardOptions { Url = broker.Url, ClientId = clientId });
            await intruder.ConnectAsync(cts.Token);
            await faulted.Task.WithTimeout("the hosted client to fault");

            // The hosted service's StateChanged handler was added before this test's and handlers run in order, on one
            // thread: had it called StopApplication, ApplicationStopping would already be cancelled here.
            Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
            await host.StopAsync(cts.Token);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_RetryFirstConnect_an_unreachable_broker_fails_the_start()
    {
        var host = TestHost.Build(TestHost.Section("mqtt://127.0.0.1:1", TestHost.ClientId("refused")));
        try
        {
            using var cts = TestTimeout.Start();
            var error = await Assert.ThrowsAnyAsync<SwitchboardException>(() => host.StartAsync(cts.Token));
            Assert.False(cts.IsCancellationRequested, "the start failed by itself, not by the test's timeout");
            Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_RetryFirstConnect_the_start_gives_up_after_StartTimeout_naming_it()
    {
        var host = TestHost.Build(TestHost.Section("mqtt://127.0.0.1:1", TestHost.ClientId("start-timeout"),
            ("Switchboard:RetryFirstConnect", "true"),
            ("Switchboard:Hosting:StartTimeout", "0.5")));
        try
        {
            using var cts = TestTimeout.Start();
            var error = await Assert.ThrowsAsync<TimeoutException>(() => host.StartAsync(cts.Token));
            Assert.Contains("Switchboard:Hosting:StartTimeout", error.Message, StringComparison.Ordinal);
            Assert.False(cts.IsCancellationRequested);
            Assert.True(host.Services.GetRequiredService<SwitchboardClient>().GetStats().LastError is not null, "the retries recorded the connection error");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_RetryFirstConnect_the_start_honours_the_host_token()
    {
        var host = TestHost.Build(TestHost.Section("mqtt://127.0.0.1:1", TestHost.ClientId("host-token"), ("Switchboard:RetryFirstConnect", "true")));
        try
        {
            using var testTimeout = TestTimeout.Start();
            using var hostToken = CancellationTokenSource.CreateLinkedTokenSource(testTimeout.Token);
            hostToken.CancelAfter(TimeSpan.FromMilliseconds(500));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.StartAsync(hostToken.Token));
            Assert.False(testTimeout.IsCancellationRequested);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
