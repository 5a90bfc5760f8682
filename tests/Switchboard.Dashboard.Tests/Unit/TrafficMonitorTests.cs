using System.Text;
using Switchboard.Dashboard.Traffic;

namespace Switchboard.Dashboard.Tests.Unit;

public sealed class TrafficMonitorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static MqttMessage Message(string topic, string payload, bool retain = false) =>
        new(topic, Encoding.UTF8.GetBytes(payload), Qos.AtLeastOnce, retain);

    [Fact]
    public void Topics_are_counted_with_their_last_payload_and_only_changes_are_sent_again()
    {
        var traffic = new TrafficMonitor(maxTopics: 100, maxStreamMessages: 10, maxPayloadBytes: 1024);
        traffic.Record(Message("home/a", "1"), T0);
        traffic.Record(Message("home/a", "2"), T0.AddSeconds(1));
        traffic.Record(Message("home/b", "x"), T0.AddSeconds(2));

        var (rows, removed, full, version) = traffic.TopicsSince(0);
        Assert.True(full);
        Assert.Empty(removed);
        var a = Assert.Single(rows, r => r.Topic == "home/a");
        Assert.Equal((2L, "2", 1, T0.AddSeconds(1)), (a.Count, a.Payload, a.Qos, a.LastAt));

        traffic.Record(Message("home/b", "y"), T0.AddSeconds(3));
        var (changed, _, fullAgain, _) = traffic.TopicsSince(version);
        Assert.False(fullAgain);
        var b = Assert.Single(changed);
        Assert.Equal(("home/b", 2L, "y"), (b.Topic, b.Count, b.Payload));
    }

    [Fact]
    public void Past_the_cap_the_least_recently_seen_topic_is_evicted_counted_and_reported_as_removed()
    {
        var traffic = new TrafficMonitor(maxTopics: 10, maxStreamMessages: 10, maxPayloadBytes: 64);
        for (var i = 0; i < 10; i++)
        {
            traffic.Record(Message($"t/{i}", "v"), T0);
        }

        var (_, _, _, version) = traffic.TopicsSince(0);
        traffic.Record(Message("t/0", "again"), T0); // t/0 is now the most recent; t/1 the least
        traffic.Record(Message("t/new", "v"), T0);

        Assert.Equal(10, traffic.TopicCount);
        Assert.Equal(1, traffic.TopicsEvicted);
        var (rows, removed, full, _) = traffic.TopicsSince(version);
        Assert.False(full);
        Assert.Equal(["t/1"], removed);
        Assert.Equal(["t/0", "t/new"], rows.Select(r => r.Topic).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_page_further_behind_than_the_remembered_evictions_gets_a_full_snapshot()
    {
        var traffic = new TrafficMonitor(maxTopics: 10, maxStreamMessages: 10, maxPayloadBytes: 64);
        traffic.Record(Message("first", "v"), T0);
        var (_, _, _, version) = traffic.TopicsSince(0);
        for (var i = 0; i < 5_000; i++)
        {
            traffic.Record(Message($"flood/{i}", "v"), T0);
        }

        var (rows, removed, full, _) = traffic.TopicsSince(version);
        Assert.True(full);
        Assert.Empty(removed);
        Assert.Equal(10, rows.Count);
        Assert.Equal(4_991, traffic.TopicsEvicted);
    }

    [Fact]
    public void The_stream_keeps_the_last_messages_in_order_and_counts_what_left()
    {
        var traffic = new TrafficMonitor(maxTopics: 100, maxStreamMessages: 10, maxPayloadBytes: 64);
        for (var i = 1; i <= 25; i++)
        {
            traffic.Record(Message("s", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), T0);
        }

        var (rows, seq) = traffic.StreamSince(0);
        Assert.Equal(25, seq);
        Assert.Equal(Enumerable.Range(16, 10).Select(i => (long)i), rows.Select(r => r.Seq));
        Assert.Equal("25", rows[^1].Payload);
        Assert.Equal(15, traffic.StreamEvicted);

        traffic.Record(Message("s", "26"), T0);
        var (next, _) = traffic.StreamSince(seq);
        Assert.Equal("26", Assert.Single(next).Payload);
    }

    [Fact]
    public void Payloads_are_kept_only_up_to_the_cap_and_shown_with_their_size()
    {
        var traffic = new TrafficMonitor(maxTopics: 100, maxStreamMessages: 10, maxPayloadBytes: 64);
        traffic.Record(Message("big", new string('a', 10_000)), T0);
        var row = Assert.Single(traffic.TopicsSince(0).Rows);
        Assert.Equal(10_000, row.Size);
        Assert.Equal(new string('a', 64) + "… (10,000 bytes)", row.Payload);
    }

    [Fact]
    public void A_retained_delivery_marks_the_topic_retained_and_an_empty_retained_one_clears_it()
    {
        var traffic = new TrafficMonitor(maxTopics: 100, maxStreamMessages: 10, maxPayloadBytes: 64);
        traffic.Record(Message("r", "kept", retain: true), T0);
        traffic.Record(Message("r", "live"), T0);
        Assert.True(Assert.Single(traffic.TopicsSince(0).Rows).Retained);
        traffic.Record(Message("r", string.Empty, retain: true), T0);
        Assert.False(Assert.Single(traffic.TopicsSince(0).Rows).Retained);
    }

    [Fact]
    public void Rate_points_count_the_messages_of_each_second_and_the_history_is_bounded()
    {
        var traffic = new TrafficMonitor(maxTopics: 100, maxStreamMessages: 10, maxPayloadBytes: 64);
        for (var s = 1; s <= TrafficMonitor.RateHistory + 5; s++)
        {
            for (var i = 0; i < s % 7; i++)
            {
                traffic.Record(Message("r", "v"), T0);
            }

            traffic.Sample(T0.AddSeconds(s));
        }

        var points = traffic.RatesSince(DateTimeOffset.MinValue);
        Assert.Equal(TrafficMonitor.RateHistory, points.Count);
        Assert.Equal((TrafficMonitor.RateHistory + 5) % 7, points[^1].Count);
        Assert.Equal(2, traffic.RatesSince(points[^3].At).Count);
    }
}
