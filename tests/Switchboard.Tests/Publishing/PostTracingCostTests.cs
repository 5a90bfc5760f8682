namespace Switchboard.Tests.Publishing;

/// <summary>
/// Tracing costs nothing on <c>Post</c> while nobody listens to the <c>Switchboard</c> activity source: no span, no
/// user properties, no allocation beyond the queue entry. (No test in this assembly listens to that source; the
/// listening cases are integration tests, which run alone.)
/// </summary>
public sealed class PostTracingCostTests
{
    [Fact]
    public async Task A_qos0_post_with_nobody_listening_allocates_only_its_queue_entry()
    {
        await using var client = new SwitchboardClient(new SwitchboardOptions
        {
            Url = "mqtt://127.0.0.1:1",
            ClientId = "post-tracing-test",
            QueueCapacity = 10_000,
            EnableHealth = false,
        });
        Assert.False(ClientTelemetry.Source.HasListeners());
        Assert.Null(System.Diagnostics.Activity.Current);
        var payload = new byte[64];

        // Warm up JIT tiers and grow the queue's ring past what is measured (3,000 + 1,000 fit in 4,096).
        for (var i = 0; i < 3_000; i++)
        {
            Assert.True(client.Post("sensors/t1", payload));
        }

        var entry = Allocated(() => _ = new OutgoingMessage("sensors/t1", payload, Qos.AtMostOnce, retain: false, awaited: false));
        const int calls = 1_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            client.Post("sensors/t1", payload);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
        Assert.InRange(perCall, 0, entry);
    }

    [Fact]
    public void A_message_without_a_span_or_context_gets_no_user_properties()
    {
        var tracing = new ClientTelemetry("c", "127.0.0.1", 1883);
        var message = tracing.OnPublish(new OutgoingMessage("a/b", new byte[1], Qos.AtLeastOnce, retain: false, awaited: false));
        Assert.Null(message.UserProperties);
        Assert.Null(message.Telemetry);
        message.EndTelemetry(new InvalidOperationException("ignored without a span"));
    }

    private static long Allocated(Action allocate)
    {
        allocate();
        var before = GC.GetAllocatedBytesForCurrentThread();
        allocate();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
