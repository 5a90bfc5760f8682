namespace Switchboard.Tests.Connection.Wire;

/// <summary>The packet identifiers of the publishes Switchboard writes itself, and their completion on PUBACK.</summary>
public sealed class PacketIdTableTests
{
    private sealed class Recorder
    {
        public List<(OutgoingMessage Message, byte Reason, byte[] Properties)> Acknowledged { get; } = [];

        public void OnAcknowledged(OutgoingMessage message, byte reasonCode, ReadOnlySpan<byte> properties) =>
            Acknowledged.Add((message, reasonCode, properties.ToArray()));
    }

    private static OutgoingMessage Message(int n) => new($"t/{n}", new byte[] { (byte)n }, Qos.AtLeastOnce, retain: false, awaited: false) { Sequence = n };

    [Fact]
    public void Ids_are_ours_and_unique_among_those_in_flight()
    {
        var recorder = new Recorder();
        var table = new PacketIdTable(100, recorder.OnAcknowledged);
        var inFlight = new Dictionary<ushort, OutgoingMessage>();
        var random = new Random(5);
        for (var step = 0; step < 20_000; step++)
        {
            if (inFlight.Count < 100 && (inFlight.Count == 0 || random.Next(2) == 0))
            {
                var message = Message(step);
                var id = table.Add(message);
                Assert.True(id >= PacketIdTable.FirstId, $"id {id:x} is in MQTTnet's range");
                Assert.True(inFlight.TryAdd(id, message), $"id {id:x} is already in flight");
            }
            else
            {
                var id = inFlight.Keys.ElementAt(random.Next(inFlight.Count));
                Assert.True(table.TryAcknowledge(id, 0, []));
                Assert.Same(inFlight[id], recorder.Acknowledged[^1].Message);
                inFlight.Remove(id);
            }

            Assert.Equal(inFlight.Count, table.Count);
        }
    }

    [Fact]
    public void An_acknowledged_id_is_not_handed_out_again_before_the_others()
    {
        var table = new PacketIdTable(10, new Recorder().OnAcknowledged);
        var a = table.Add(Message(1));
        var b = table.Add(Message(2));
        var c = table.Add(Message(3));
        Assert.True(table.TryAcknowledge(b, 0, []));

        // The freed id is not the next one: allocation goes on past c.
        var d = table.Add(Message(4));
        Assert.NotEqual(b, d);
        Assert.NotEqual(a, d);
        Assert.NotEqual(c, d);
    }

    [Fact]
    public void Ids_go_round_robin_so_each_is_reused_as_late_as_possible()
    {
        const int limit = 10;
        var table = new PacketIdTable(limit, new Recorder().OnAcknowledged);

        // Three never acknowledged: they must be skipped on every lap.
        var held = new HashSet<ushort> { table.Add(Message(0)), table.Add(Message(1)), table.Add(Message(2)) };
        var sequence = new List<ushort>();
        for (var i = 0; i < 1_000; i++)
        {
            var id = table.Add(Message(i));
            Assert.DoesNotContain(id, held);
            sequence.Add(id);
            Assert.True(table.TryAcknowledge(id, 0, []));
        }

        // The ids form a fixed cycle: every id comes back only after all the others had their turn.
        var period = sequence.IndexOf(sequence[0], 1);
        Assert.True(period > 0, "No id was ever reused.");
        Assert.Equal(period, sequence.Take(period).Distinct().Count());
        Assert.True(period >= 2 * limit - held.Count, $"An id came back after only {period} others.");
        for (var i = period; i < sequence.Count; i++)
        {
            Assert.Equal(sequence[i - period], sequence[i]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(0x1234)]
    [InlineData(0x7FFF)]
    public void An_ack_of_an_mqttnet_id_is_left_to_mqttnet(int id)
    {
        var recorder = new Recorder();
        var table = new PacketIdTable(10, recorder.OnAcknowledged);
        table.Add(Message(1));

        Assert.False(table.TryAcknowledge((ushort)id, 0, []));
        Assert.Empty(recorder.Acknowledged);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void An_unknown_or_repeated_ack_of_ours_is_swallowed_without_a_call()
    {
        var recorder = new Recorder();
        var table = new PacketIdTable(10, recorder.OnAcknowledged);
        var message = Message(1);
        var id = table.Add(message);

        Assert.True(table.TryAcknowledge((ushort)(id + 1), 0, []));
        Assert.True(table.TryAcknowledge(0xFFFF, 0, []));
        Assert.Empty(recorder.Acknowledged);
        Assert.Equal(1, table.Count);

        Assert.True(table.TryAcknowledge(id, 0, []));
        Assert.True(table.TryAcknowledge(id, 0, []));
        var only = Assert.Single(recorder.Acknowledged);
        Assert.Same(message, only.Message);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void The_handler_gets_the_message_reason_code_and_properties()
    {
        var recorder = new Recorder();
        var table = new PacketIdTable(10, recorder.OnAcknowledged);
        var first = Message(1);
        var second = Message(2);
        var firstId = table.Add(first);
        var secondId = table.Add(second);

        Assert.True(table.TryAcknowledge(secondId, 0x97, [0x1F, 0x00, 0x01, 0x41]));
        Assert.True(table.TryAcknowledge(firstId, 0x00, []));

        Assert.Equal(2, recorder.Acknowledged.Count);
        Assert.Same(second, recorder.Acknowledged[0].Message);
        Assert.Equal(0x97, recorder.Acknowledged[0].Reason);
        Assert.Equal([0x1F, 0x00, 0x01, 0x41], recorder.Acknowledged[0].Properties);
        Assert.Same(first, recorder.Acknowledged[1].Message);
        Assert.Equal(0x00, recorder.Acknowledged[1].Reason);
        Assert.Empty(recorder.Acknowledged[1].Properties);
    }

    [Fact]
    public void The_handler_runs_outside_the_tables_lock()
    {
        PacketIdTable? table = null;
        var otherThreadGotIn = false;
        table = new PacketIdTable(10, (_, _, _) =>
        {
            // Another thread must be able to use the table while the handler runs.
            using var done = new ManualResetEventSlim();
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                _ = table!.Count;
                done.Set();
            }, null);
            otherThreadGotIn = done.Wait(TimeSpan.FromSeconds(10));
        });

        Assert.True(table.TryAcknowledge(table.Add(Message(1)), 0, []));
        Assert.True(otherThreadGotIn);
    }

    [Fact]
    public void After_close_acks_are_swallowed_and_adding_throws()
    {
        var recorder = new Recorder();
        var table = new PacketIdTable(10, recorder.OnAcknowledged);
        var id = table.Add(Message(1));
        table.Add(Message(2));

        table.Close();

        Assert.Equal(0, table.Count);
        Assert.True(table.TryAcknowledge(id, 0, []));
        Assert.False(table.TryAcknowledge(5, 0, []));
        Assert.Empty(recorder.Acknowledged);
        Assert.Throws<ObjectDisposedException>(() => table.Add(Message(3)));
    }

    [Fact]
    public void A_removed_id_is_freed_without_a_call()
    {
        var recorder = new Recorder();
        var table = new PacketIdTable(10, recorder.OnAcknowledged);
        var id = table.Add(Message(1));

        table.Remove(id);
        table.Remove(id);
        table.Remove(5);

        Assert.Equal(0, table.Count);
        Assert.True(table.TryAcknowledge(id, 0, []));
        Assert.Empty(recorder.Acknowledged);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(1_000)]
    [InlineData(PacketIdTable.MaxInflight)]
    public void The_table_fills_to_its_limit_with_distinct_ids(int limit)
    {
        var recorder = new Recorder();
        var table = new PacketIdTable(limit, recorder.OnAcknowledged);
        var messages = new Dictionary<ushort, OutgoingMessage>();
        for (var i = 0; i < limit; i++)
        {
            var message = Message(i);
            var id = table.Add(message);
            Assert.True(id >= PacketIdTable.FirstId);
            Assert.True(messages.TryAdd(id, message), $"id {id:x} handed out twice");
        }

        Assert.Equal(limit, table.Count);

        // Acknowledged in an order of their own; each completes its own message.
        foreach (var (id, message) in messages.OrderBy(pair => (pair.Key * 7919) % 65_521))
        {
            Assert.True(table.TryAcknowledge(id, 0, []));
            Assert.Same(message, recorder.Acknowledged[^1].Message);
        }

        Assert.Equal(0, table.Count);
        Assert.Equal(limit, recorder.Acknowledged.Count);

        // And it fills up again.
        for (var i = 0; i < limit; i++)
        {
            table.Add(Message(i));
        }

        Assert.Equal(limit, table.Count);
    }

    [Fact]
    public void A_full_table_of_the_largest_window_refuses_one_more()
    {
        var table = new PacketIdTable(PacketIdTable.MaxInflight, new Recorder().OnAcknowledged);
        for (var i = 0; i < PacketIdTable.MaxInflight; i++)
        {
            table.Add(Message(i));
        }

        Assert.Throws<InvalidOperationException>(() => table.Add(Message(-1)));
    }

    [Fact]
    public void A_window_larger_than_the_id_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketIdTable(PacketIdTable.MaxInflight + 1, new Recorder().OnAcknowledged));
    }
}
