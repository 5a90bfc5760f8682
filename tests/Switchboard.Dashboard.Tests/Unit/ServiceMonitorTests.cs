using System.Text;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Dashboard.Services;

namespace Switchboard.Dashboard.Tests.Unit;

public sealed class ServiceMonitorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private static MqttMessage Message(string topic, string payload) => new(topic, Encoding.UTF8.GetBytes(payload), Qos.AtLeastOnce);

    [Fact]
    public void Health_envelopes_give_the_status_event_and_error_of_each_service()
    {
        var services = new ServiceMonitor(TimeSpan.FromSeconds(30), _time);
        services.OnHealth(Message("system/health/stt", """{"id":"a","type":"health.status","ts":1,"source":"tars-stt","data":{"message_id":"m","ok":false,"event":"lost","timestamp":1.5,"err":"boom"}}"""));
        var row = Assert.Single(services.Snapshot());
        Assert.Equal(("stt", false, "lost", "boom", "tars-stt"), (row.Id, row.Ok, row.Event, row.Error, row.Source));
        Assert.Null(row.Problem);
        Assert.False(row.Stale);
    }

    [Theory]
    [InlineData("not json", "health message is not JSON")]
    [InlineData("""{"id":"a","data":"x"}""", "health message is not a health.status envelope")]
    [InlineData("""{"data":{"event":"ready"}}""", "health envelope without a boolean data.ok")]
    public void A_malformed_health_message_is_shown_as_the_services_problem(string payload, string problem)
    {
        var services = new ServiceMonitor(TimeSpan.FromSeconds(30), _time);
        services.OnHealth(Message("system/health/x", payload));
        Assert.Equal(problem, Assert.Single(services.Snapshot()).Problem);
    }

    [Fact]
    public void An_empty_retained_health_message_removes_the_service()
    {
        var services = new ServiceMonitor(TimeSpan.FromSeconds(30), _time);
        services.OnHealth(Message("system/health/x", """{"data":{"ok":true,"event":"ready"}}"""));
        services.OnHealth(Message("system/health/x", string.Empty));
        Assert.Empty(services.Snapshot());
    }

    [Fact]
    public void A_heartbeat_is_stale_after_two_missed_intervals_learned_from_the_gap_between_two()
    {
        var services = new ServiceMonitor(TimeSpan.FromSeconds(30), _time);
        const string Beat = """{"ok":true,"event":"heartbeat","timestamp":1.0,"queued":3}""";
        services.OnHeartbeat(Message("system/keepalive/svc", Beat));
        _time.Advance(TimeSpan.FromSeconds(5));
        services.OnHeartbeat(Message("system/keepalive/svc", Beat));

        var row = Assert.Single(services.Snapshot());
        Assert.Equal(5, row.HeartbeatIntervalSeconds);
        Assert.Equal("queued=3", row.Extra);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(Assert.Single(services.Snapshot()).Stale);
        _time.Advance(TimeSpan.FromSeconds(0.5));
        var stale = Assert.Single(services.Snapshot());
        Assert.True(stale.Stale);
        Assert.Equal(10.5, stale.HeartbeatAgeSeconds);
    }

    [Fact]
    public void Until_a_second_heartbeat_the_default_interval_is_assumed()
    {
        var services = new ServiceMonitor(TimeSpan.FromSeconds(30), _time);
        services.OnHeartbeat(Message("system/keepalive/svc", """{"ok":true}"""));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(Assert.Single(services.Snapshot()).Stale);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(Assert.Single(services.Snapshot()).Stale);
    }

    [Fact]
    public void A_silence_while_the_service_was_offline_does_not_become_its_interval()
    {
        var services = new ServiceMonitor(TimeSpan.FromSeconds(30), _time);
        const string Beat = """{"ok":true}""";
        for (var i = 0; i < 4; i++)
        {
            services.OnHeartbeat(Message("system/keepalive/svc", Beat));
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        // The service's connection is down for an hour (a Switchboard client sends no heartbeat while offline), then
        // it comes back and beats again.
        _time.Advance(TimeSpan.FromHours(1));
        services.OnHeartbeat(Message("system/keepalive/svc", Beat));
        Assert.Equal(5, Assert.Single(services.Snapshot()).HeartbeatIntervalSeconds);

        // Now it dies: stale after two missed 5 s heartbeats, not after two hours.
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(Assert.Single(services.Snapshot()).Stale);
    }

    [Fact]
    public void What_a_service_sends_is_kept_only_up_to_a_bound()
    {
        var services = new ServiceMonitor(TimeSpan.FromSeconds(30), _time);
        var huge = new string('x', 1_000_000);
        services.OnHeartbeat(Message("system/keepalive/svc", $$"""{"ok":true,"blob":"{{huge}}"}"""));
        services.OnHealth(Message("system/health/svc", $$$"""{"source":"{{{huge}}}","data":{"ok":false,"event":"{{{huge}}}","err":"{{{huge}}}"}}"""));

        var row = Assert.Single(services.Snapshot());
        foreach (var text in new[] { row.Extra, row.Error, row.Event, row.Source })
        {
            Assert.NotNull(text);
            Assert.InRange(text.Length, 100, 1_025);
        }

        Assert.StartsWith("blob=\"xxx", row.Extra, StringComparison.Ordinal);
    }
}
