using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Outbox;

/// <summary>The outbox log on its own (no broker): recovery, torn tails, compaction, ordering, concurrent writers.</summary>
public sealed class DurableOutboxTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sb-outbox-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Unacknowledged_messages_are_recovered_in_order_with_their_properties()
    {
        using (var outbox = DurableOutbox.Open(_dir, "client-a", NullLogger.Instance))
        {
            for (var i = 0; i < 10; i++)
            {
                outbox.Append(Message($"t/{i}", i, retain: i == 3, withCorrelation: i == 5));
            }
        }

        using var reopened = DurableOutbox.Open(_dir, "client-a", NullLogger.Instance);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"t/{i}"), reopened.Recovered.Select(m => m.Topic));
        Assert.Equal("payload 7", Encoding.UTF8.GetString(reopened.Recovered[7].Payload.Span));
        Assert.True(reopened.Recovered[3].Retain);
        Assert.Equal(Qos.ExactlyOnce, reopened.Recovered[2].Qos);
        Assert.Equal("reply/here", reopened.Recovered[5].ResponseTopic);
        Assert.Equal("abc", Encoding.UTF8.GetString(reopened.Recovered[5].CorrelationData.Span));
        Assert.Equal(0, reopened.TornRecords);
    }

    [Fact]
    public void Acknowledged_messages_are_not_recovered_and_ids_keep_growing()
    {
        long lastId;
        using (var outbox = DurableOutbox.Open(_dir, "client-b", NullLogger.Instance))
        {
            var messages = Enumerable.Range(0, 6).Select(i => Message($"t/{i}", i)).ToList();
            messages.ForEach(outbox.Append);
            outbox.Remove(messages[0]);
            outbox.Remove(messages[2]);
            outbox.Remove(messages[2]); // twice is harmless
            outbox.Remove(messages[5]);
            lastId = messages[5].OutboxPosition;
        }

        using var reopened = DurableOutbox.Open(_dir, "client-b", NullLogger.Instance);
        Assert.Equal(["t/1", "t/3", "t/4"], reopened.Recovered.Select(m => m.Topic));
        var next = Message("t/next", 9);
        reopened.Append(next);
        Assert.True(next.OutboxPosition > lastId, "a new id must never collide with an old one");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(20)]
    public void A_torn_last_record_is_cut_off_counted_and_never_fatal(int bytesTorn)
    {
        string path;
        using (var outbox = DurableOutbox.Open(_dir, "client-c", NullLogger.Instance))
        {
            for (var i = 0; i < 5; i++)
            {
                outbox.Append(Message($"t/{i}", i));
            }

            path = Path.Combine(_dir, "client-c", DurableOutbox.FileName);
        }

        var length = new FileInfo(path).Length;
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(length - bytesTorn);
        }

        using (var reopened = DurableOutbox.Open(_dir, "client-c", NullLogger.Instance))
        {
            Assert.Equal(1, reopened.TornRecords);
            Assert.Equal(["t/0", "t/1", "t/2", "t/3"], reopened.Recovered.Select(m => m.Topic));
            reopened.Append(Message("t/after", 1));
        }

        using var again = DurableOutbox.Open(_dir, "client-c", NullLogger.Instance);
        Assert.Equal(0, again.TornRecords);
        Assert.Equal(["t/0", "t/1", "t/2", "t/3", "t/after"], again.Recovered.Select(m => m.Topic));
    }

    [Fact]
    public void A_corrupt_record_stops_recovery_at_the_last_good_one()
    {
        string path;
        using (var outbox = DurableOutbox.Open(_dir, "client-d", NullLogger.Instance))
        {
            for (var i = 0; i < 3; i++)
            {
                outbox.Append(Message($"t/{i}", i));
            }

            path = Path.Combine(_dir, "client-d", DurableOutbox.FileName);
        }

        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0xFF; // flip a byte inside the last record's payload: its CRC no longer matches
        File.WriteAllBytes(path, bytes);
        using var reopened = DurableOutbox.Open(_dir, "client-d", NullLogger.Instance);
        Assert.Equal(1, reopened.TornRecords);
        Assert.Equal(["t/0", "t/1"], reopened.Recovered.Select(m => m.Topic));
    }

    [Fact]
    public async Task A_message_the_queue_refuses_or_a_cancelled_writer_leaves_nothing_behind_in_the_outbox()
    {
        using (var outbox = DurableOutbox.Open(_dir, "client-q", NullLogger.Instance))
        {
            // The put record is written outside the queue's lock, before the queue decides; a refusal withdraws it.
            var queue = new OutgoingQueue(1, OverflowPolicy.Wait, _ => { }, outbox);
            Assert.True(queue.TryEnqueue(Message("t/kept", 0)));
            Assert.False(queue.TryEnqueue(Message("t/refused", 1)));
            using var cancel = new CancellationTokenSource();
            var waiting = queue.EnqueueAsync(Message("t/cancelled", 2), cancel.Token).AsTask();
            Assert.Equal(2, outbox.LiveCount);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(1, outbox.LiveCount);
        }

        using var reopened = DurableOutbox.Open(_dir, "client-q", NullLogger.Instance);
        Assert.Equal(["t/kept"], reopened.Recovered.Select(m => m.Topic));
    }

    [Fact]
    public void Compaction_keeps_live_messages_in_order_and_shrinks_the_log()
    {
        using (var outbox = DurableOutbox.Open(_dir, "client-e", NullLogger.Instance, compactThreshold: 16 * 1024))
        {
            var live = new List<OutgoingMessage>();
            for (var i = 0; i < 2000; i++)
            {
                var message = Message($"t/{i}", i);
                outbox.Append(message);
                if (i % 100 == 0)
                {
                    live.Add(message);
                }
                else
                {
                    outbox.Remove(message);
                }
            }

            // Compaction runs on the thread pool, never on the thread acknowledging (the receive path).
            Assert.True(SpinWait.SpinUntil(() => outbox.Compactions > 0 && !outbox.CompactionScheduled, TimeSpan.FromSeconds(10)), "the log was never compacted");
            Assert.True(outbox.FileLength < 64 * 1024, $"the log is {outbox.FileLength} bytes after compaction");
            Assert.Equal(live.Count, outbox.LiveCount);
            outbox.Remove(live[0]);
        }

        using var reopened = DurableOutbox.Open(_dir, "client-e", NullLogger.Instance);
        Assert.Equal(Enumerable.Range(1, 19).Select(i => $"t/{i * 100}"), reopened.Recovered.Select(m => m.Topic));
        Assert.Equal(0, reopened.TornRecords);
    }

    [Fact]
    public async Task Concurrent_writers_lose_nothing_and_keep_each_writers_order()
    {
        using (var outbox = DurableOutbox.Open(_dir, "client-f", NullLogger.Instance, compactThreshold: 8 * 1024))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(() =>
            {
                for (var i = 0; i < 500; i++)
                {
                    var message = Message($"w{writer}/{i}", i);
                    outbox.Append(message);
                    if (i % 2 == 1)
                    {
                        outbox.Remove(message);
                    }
                }
            }))).WaitAsync(TimeSpan.FromSeconds(30));
        }

        using var reopened = DurableOutbox.Open(_dir, "client-f", NullLogger.Instance);
        Assert.Equal(1000, reopened.Recovered.Count);
        for (var writer = 0; writer < 4; writer++)
        {
            var mine = reopened.Recovered.Where(m => m.Topic.StartsWith($"w{writer}/", StringComparison.Ordinal)).Select(m => int.Parse(m.Topic.Split('/')[1])).ToList();
            Assert.Equal(Enumerable.Range(0, 250).Select(i => (i * 2)), mine);
        }
    }

    [Fact]
    public void Never_forces_nothing_to_disk()
    {
        using var outbox = DurableOutbox.Open(_dir, "fsync-never", NullLogger.Instance);
        for (var i = 0; i < 50; i++)
        {
            outbox.Append(Message($"t/{i}", i));
        }

        Assert.Equal(0, outbox.Syncs);
    }

    [Fact]
    public void Always_forces_each_put_to_disk_before_it_returns()
    {
        using (var outbox = DurableOutbox.Open(_dir, "fsync-always", NullLogger.Instance, fsync: OutboxFsync.Always))
        {
            for (var i = 0; i < 20; i++)
            {
                outbox.Append(Message($"t/{i}", i));

                // One writer: nobody else's fsync can cover this put, so each Append made its own.
                Assert.Equal(i + 1, outbox.Syncs);
            }
        }

        using var reopened = DurableOutbox.Open(_dir, "fsync-always", NullLogger.Instance);
        Assert.Equal(20, reopened.Recovered.Count);
    }

    [Fact]
    public async Task Always_with_concurrent_writers_shares_fsyncs_and_loses_nothing()
    {
        const int Writers = 4;
        const int PerWriter = 100;
        using (var outbox = DurableOutbox.Open(_dir, "fsync-shared", NullLogger.Instance, fsync: OutboxFsync.Always))
        {
            using var start = new Barrier(Writers);
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < PerWriter; i++)
                {
                    outbox.Append(Message($"w{w}/{i}", i));
                }
            }))).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.InRange(outbox.Syncs, 1, Writers * PerWriter);
        }

        using var reopened = DurableOutbox.Open(_dir, "fsync-shared", NullLogger.Instance);
        Assert.Equal(Writers * PerWriter, reopened.Recovered.Count);
    }

    [Fact]
    public async Task Batch_forces_puts_to_disk_in_the_background_far_less_often_than_once_per_put()
    {
        const int Puts = 1_000;
        using var outbox = DurableOutbox.Open(_dir, "fsync-batch", NullLogger.Instance, fsync: OutboxFsync.Batch);
        for (var i = 0; i < Puts; i++)
        {
            outbox.Append(Message($"t/{i}", i));
        }

        await Eventually.WaitAsync(() => outbox.Syncs >= 1, TimeSpan.FromSeconds(10), "the background fsync ran");

        // At most one fsync per 100 ms interval: reaching one per put would take the loop above 100 s.
        Assert.True(outbox.Syncs < Puts / 2, $"{outbox.Syncs} fsyncs for {Puts} puts");
    }

    [Fact]
    public void A_fsync_mode_without_an_outbox_or_with_a_bad_name_is_refused_naming_the_setting()
    {
        var unset = Assert.Throws<SwitchboardConfigurationException>(() => new SwitchboardOptions { Url = "mqtt://b", ClientId = "c", OutboxFsync = OutboxFsync.Always }.Validate());
        Assert.Contains("MQTT_OUTBOX_FSYNC", unset.Message, StringComparison.Ordinal);
        Assert.Contains("needs OutboxPath", unset.Message, StringComparison.Ordinal);

        var bad = Assert.Throws<SwitchboardConfigurationException>(() => SwitchboardOptions.FromEnvironment(new Dictionary<string, string?>
        {
            [OptionKeys.Url] = "mqtt://b",
            [OptionKeys.ClientId] = "c",
            [OptionKeys.OutboxPath] = _dir,
            [OptionKeys.OutboxFsync] = "sometimes",
        }));
        Assert.Equal("MQTT_OUTBOX_FSYNC='sometimes' is not an outbox fsync mode; use never, batch or always.", bad.Message);

        var good = SwitchboardOptions.FromEnvironment(new Dictionary<string, string?>
        {
            [OptionKeys.Url] = "mqtt://b",
            [OptionKeys.ClientId] = "c",
            [OptionKeys.OutboxPath] = _dir,
            [OptionKeys.OutboxFsync] = "Batch",
        });
        Assert.Equal(OutboxFsync.Batch, good.OutboxFsync);
    }

    [Fact]
    public void A_second_process_cannot_open_the_same_outbox()
    {
        using var first = DurableOutbox.Open(_dir, "client-g", NullLogger.Instance);
        var error = Assert.Throws<SwitchboardConfigurationException>(() => DurableOutbox.Open(_dir, "client-g", NullLogger.Instance));
        Assert.Contains("MQTT_OUTBOX_PATH", error.Message);
        Assert.Contains("client-g", error.Message);
    }

    private static OutgoingMessage Message(string topic, int i, bool retain = false, bool withCorrelation = false) =>
        new(topic, Encoding.UTF8.GetBytes($"payload {i}"), i % 3 == 2 ? Qos.ExactlyOnce : Qos.AtLeastOnce, retain, awaited: false)
        {
            Durable = true,
            ResponseTopic = withCorrelation ? "reply/here" : null,
            CorrelationData = withCorrelation ? Encoding.UTF8.GetBytes("abc") : ReadOnlyMemory<byte>.Empty,
        };
}
