using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.Hosting.Tests;

public sealed class HandlerTests
{
    [Fact]
    public async Task A_DI_handler_with_a_scoped_dependency_receives_messages_in_its_own_scope()
    {
        await using var broker = new MosquittoBroker(new BrokerOptions());
        await broker.StartAsync();
        using var cts = TestTimeout.Start();
        var sink = new Sink();
        var host = TestHost.Build(
            TestHost.Section(broker.Url, TestHost.ClientId("handlers")),
            sb => sb.AddSubscription<RecordingHandler>("hosting/in/+").AddEventSubscription<ReadingHandler, Reading>("hosting/events"),
            services => services.AddSingleton(sink).AddScoped<ScopedDependency>());
        try
        {
            await host.StartAsync(cts.Token);
            await using var publisher = new SwitchboardClient(new SwitchboardOptions { Url = broker.Url, ClientId = TestHost.ClientId("publisher") });
            await publisher.ConnectAsync(cts.Token);
            for (var i = 0; i < 3; i++)
            {
                await publisher.PublishAsync($"hosting/in/{i}", $"m{i}", Qos.AtLeastOnce, cancellationToken: cts.Token);
            }

            await publisher.PublishEventAsync("hosting/events", "sensor.reading", new Reading { Value = 21.5 }, cancellationToken: cts.Token);

            await Eventually.WaitAsync(() => sink.Messages.Count == 3 && sink.Readings.Count == 1, TimeSpan.FromSeconds(10), "three messages and one envelope at the DI handlers");
            Assert.Equal(["m0", "m1", "m2"], sink.Messages.Select(m => m.Payload).Order());
            Assert.Equal(3, sink.Messages.Select(m => m.ScopeId).Distinct().Count());
            Assert.Equal(21.5, Assert.Single(sink.Readings));
            Assert.Equal(4, ScopedDependency.Disposed(sink));
            await host.StopAsync(cts.Token);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    public sealed class Reading
    {
        public double Value { get; set; }
    }

    private sealed class Sink
    {
        public ConcurrentQueue<(string Payload, Guid ScopeId)> Messages { get; } = new();

        public ConcurrentQueue<double> Readings { get; } = new();

        public int DisposedScopes;
    }

    private sealed class ScopedDependency(Sink sink) : IDisposable
    {
        public Guid Id { get; } = Guid.NewGuid();

        public static int Disposed(Sink sink) => Volatile.Read(ref sink.DisposedScopes);

        public void Dispose() => Interlocked.Increment(ref sink.DisposedScopes);
    }

    private sealed class RecordingHandler(ScopedDependency scoped, Sink sink) : IMessageHandler
    {
        public ValueTask HandleAsync(MqttMessage message, CancellationToken cancellationToken)
        {
            sink.Messages.Enqueue((message.PayloadAsString(), scoped.Id));
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ReadingHandler(ScopedDependency scoped, Sink sink) : IEventHandler<Reading>
    {
        public ValueTask HandleAsync(Envelope<Reading> envelope, CancellationToken cancellationToken)
        {
            _ = scoped.Id;
            sink.Readings.Enqueue(envelope.Data.Value);
            return ValueTask.CompletedTask;
        }
    }
}
