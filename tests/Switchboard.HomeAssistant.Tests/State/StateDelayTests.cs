using Switchboard.HomeAssistant.Tests.Support;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.HomeAssistant.Tests.State;

/// <summary><c>expire_after</c> and <c>off_delay</c>, on a clock the tests move.</summary>
public sealed class StateDelayTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData("sensor", "21.5")]
    [InlineData("binary_sensor", "ON")]
    public async Task Expire_after_makes_an_entity_unavailable_until_its_first_state(string component, string payload)
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        var events = new EventRecorder(ha);
        ha.Discover($"homeassistant/{component}/t/config", """{"stat_t":"dev/t","exp_aft":60}""");
        var entity = ha.Entity($"{component}/t");
        Assert.False(entity.IsAvailable);

        time.Advance(TimeSpan.FromHours(1));
        Assert.False(entity.IsAvailable);

        ha.Send("dev/t", payload);

        Assert.True(entity.IsAvailable);
        Assert.Equal([$"{component}/t:up (dev/t)", $"{component}/t:?->{entity.State.Value} (dev/t)"], await events.FlushAsync());
    }

    [Theory]
    [InlineData("sensor", "21.5")]
    [InlineData("binary_sensor", "ON")]
    public async Task Without_a_new_state_within_expire_after_the_entity_becomes_unavailable_and_keeps_its_value(string component, string payload)
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        var events = new EventRecorder(ha);
        ha.Discover($"homeassistant/{component}/t/config", """{"stat_t":"dev/t","exp_aft":60}""");
        var entity = ha.Entity($"{component}/t");
        ha.Send("dev/t", payload);
        var value = entity.State.Value;

        time.Advance(59 * Second);
        Assert.True(entity.IsAvailable);

        time.Advance(Second);
        Assert.False(entity.IsAvailable);
        Assert.Equal(value, entity.State.Value);

        ha.Send("dev/t", payload);
        Assert.True(entity.IsAvailable);
        Assert.Equal(
            [$"{component}/t:up (dev/t)", $"{component}/t:?->{value} (dev/t)", $"{component}/t:down (dev/t)", $"{component}/t:up (dev/t)"],
            await events.FlushAsync());
    }

    [Fact]
    public async Task Every_state_message_restarts_expire_after_even_an_unchanged_or_unusable_one()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        ha.Discover("homeassistant/sensor/t/config", """{"stat_t":"dev/t","exp_aft":60,"val_tpl":"{{ value_json.t }}"}""");
        var sensor = ha.Entity("sensor/t");
        ha.Send("dev/t", """{"t":20}""");

        time.Advance(40 * Second);
        ha.Send("dev/t", """{"t":20}""");
        time.Advance(40 * Second);
        Assert.True(sensor.IsAvailable);

        // No "t": the template has no value and the state stays, but the device has spoken.
        ha.Send("dev/t", """{"battery":80}""");
        time.Advance(59 * Second);
        Assert.True(sensor.IsAvailable);
        Assert.Equal("20", sensor.State.Value);

        time.Advance(Second);
        Assert.False(sensor.IsAvailable);
    }

    [Fact]
    public async Task Expire_after_ignores_the_attributes_topic()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        ha.Discover("homeassistant/sensor/t/config", """{"stat_t":"dev/t","json_attr_t":"dev/attrs","exp_aft":60}""");
        var sensor = ha.Entity("sensor/t");

        ha.Send("dev/attrs", """{"rssi":-60}""");
        Assert.False(sensor.IsAvailable);

        ha.Send("dev/t", "20");
        time.Advance(30 * Second);
        ha.Send("dev/attrs", """{"rssi":-61}""");
        time.Advance(30 * Second);
        Assert.False(sensor.IsAvailable);
    }

    [Fact]
    public async Task Available_needs_the_availability_topic_to_say_so_and_the_state_not_to_have_expired()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        var events = new EventRecorder(ha);
        ha.Discover("homeassistant/sensor/t/config", """{"stat_t":"dev/t","avty_t":"dev/lwt","exp_aft":60}""");
        var sensor = ha.Entity("sensor/t");

        ha.Send("dev/t", "20");
        Assert.False(sensor.IsAvailable);

        ha.Send("dev/lwt", "online");
        Assert.True(sensor.IsAvailable);

        ha.Send("dev/lwt", "offline");
        Assert.False(sensor.IsAvailable);

        ha.Send("dev/lwt", "online");
        time.Advance(60 * Second);
        Assert.False(sensor.IsAvailable);

        ha.Send("dev/lwt", "online");
        Assert.False(sensor.IsAvailable);

        ha.Send("dev/t", "21");
        Assert.True(sensor.IsAvailable);
        Assert.Equal(
            ["sensor/t:?->20 (dev/t)", "sensor/t:up (dev/lwt)", "sensor/t:down (dev/lwt)", "sensor/t:up (dev/lwt)", "sensor/t:down (dev/t)", "sensor/t:up (dev/t)", "sensor/t:20->21 (dev/t)"],
            await events.FlushAsync());
    }

    [Fact]
    public async Task Off_delay_turns_an_on_binary_sensor_off_after_the_delay()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        var events = new EventRecorder(ha);
        ha.Discover("homeassistant/binary_sensor/motion/config", """{"stat_t":"dev/motion","off_dly":30}""");
        var motion = ha.Entity("binary_sensor/motion");

        ha.Send("dev/motion", "ON");
        time.Advance(29 * Second);
        Assert.True(motion.State.IsOn);

        time.Advance(Second);

        Assert.False(motion.State.IsOn);
        Assert.Equal("off", motion.State.Value);
        Assert.Equal(time.GetUtcNow(), motion.State.LastChanged);
        Assert.Equal(["binary_sensor/motion:?->on (dev/motion)", "binary_sensor/motion:on->off (dev/motion)"], await events.FlushAsync());
    }

    [Fact]
    public async Task A_second_on_restarts_the_off_delay()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        var events = new EventRecorder(ha);
        ha.Discover("homeassistant/binary_sensor/motion/config", """{"stat_t":"dev/motion","off_dly":30}""");
        var motion = ha.Entity("binary_sensor/motion");

        ha.Send("dev/motion", "ON");
        time.Advance(20 * Second);
        ha.Send("dev/motion", "ON");
        time.Advance(20 * Second);
        Assert.True(motion.State.IsOn);

        time.Advance(10 * Second);
        Assert.False(motion.State.IsOn);
        Assert.Equal(["binary_sensor/motion:?->on (dev/motion)", "binary_sensor/motion:on->off (dev/motion)"], await events.FlushAsync());
    }

    [Fact]
    public async Task An_off_message_cancels_the_pending_off_delay()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        ha.Discover("homeassistant/binary_sensor/motion/config", """{"stat_t":"dev/motion","off_dly":30}""");

        ha.Send("dev/motion", "ON");
        Assert.Equal(1, time.PendingTimers);

        ha.Send("dev/motion", "OFF");
        Assert.Equal(0, time.PendingTimers);
    }

    [Fact]
    public async Task Off_delay_zero_turns_off_right_after_the_on()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        var events = new EventRecorder(ha);
        ha.Discover("homeassistant/binary_sensor/button/config", """{"stat_t":"dev/button","off_delay":"0"}""");

        ha.Send("dev/button", "ON");

        Assert.False(ha.Entity("binary_sensor/button").State.IsOn);
        Assert.Equal(["binary_sensor/button:?->on (dev/button)", "binary_sensor/button:on->off (dev/button)"], await events.FlushAsync());
    }

    [Fact]
    public async Task Removing_the_entity_stops_its_timers()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        var events = new EventRecorder(ha);
        ha.Discover("homeassistant/binary_sensor/motion/config", """{"stat_t":"dev/motion","exp_aft":60,"off_dly":30}""");
        var motion = ha.Entity("binary_sensor/motion");
        ha.Send("dev/motion", "ON");
        Assert.Equal(2, time.PendingTimers);

        ha.Discover("homeassistant/binary_sensor/motion/config", string.Empty);
        Assert.True(motion.IsRemoved);
        Assert.Equal(0, time.PendingTimers);

        time.Advance(TimeSpan.FromHours(1));
        Assert.True(motion.State.IsOn);
        Assert.True(motion.IsAvailable);
        Assert.Equal(["binary_sensor/motion:up (dev/motion)", "binary_sensor/motion:?->on (dev/motion)", "binary_sensor/motion:removed"], await events.FlushAsync());
    }

    [Fact]
    public async Task Disposing_the_registry_stops_every_timer()
    {
        var time = new ManualTimeProvider();
        var ha = await OfflineRegistry.StartAsync(time: time);
        ha.Discover("homeassistant/binary_sensor/motion/config", """{"stat_t":"dev/motion","exp_aft":60,"off_dly":30}""");
        ha.Send("dev/motion", "ON");
        Assert.Equal(2, time.PendingTimers);

        await ha.DisposeAsync();

        Assert.Equal(0, time.PendingTimers);
    }

    [Fact]
    public async Task A_rediscovery_keeps_an_unchanged_expire_after_running_and_restarts_a_changed_one_expired()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        const string Topic = "homeassistant/sensor/t/config";
        ha.Discover(Topic, """{"stat_t":"dev/t","exp_aft":60,"name":"T"}""");
        var sensor = ha.Entity("sensor/t");
        ha.Send("dev/t", "20");
        time.Advance(30 * Second);

        ha.Discover(Topic, """{"stat_t":"dev/t","exp_aft":60,"name":"Renamed"}""");
        Assert.True(sensor.IsAvailable);
        time.Advance(30 * Second);
        Assert.False(sensor.IsAvailable);

        ha.Send("dev/t", "21");
        ha.Discover(Topic, """{"stat_t":"dev/t","exp_aft":120,"name":"Renamed"}""");
        Assert.False(sensor.IsAvailable);

        ha.Send("dev/t", "22");
        time.Advance(119 * Second);
        Assert.True(sensor.IsAvailable);

        ha.Discover(Topic, """{"stat_t":"dev/t","name":"Renamed"}""");
        time.Advance(TimeSpan.FromHours(1));
        Assert.True(sensor.IsAvailable);
        Assert.Equal(0, time.PendingTimers);
    }

    [Fact]
    public async Task Delays_are_read_like_home_assistant_positive_ints()
    {
        var time = new ManualTimeProvider();
        await using var ha = await OfflineRegistry.StartAsync(time: time);
        ha.Discover("homeassistant/sensor/text/config", """{"stat_t":"dev/text","exp_aft":" 90 "}""");
        ha.Discover("homeassistant/sensor/fraction/config", """{"stat_t":"dev/fraction","exp_aft":90.9}""");
        ha.Discover("homeassistant/sensor/never/config", """{"stat_t":"dev/never","exp_aft":0}""");
        ha.Discover("homeassistant/switch/unknown_key/config", """{"cmd_t":"dev/set","stat_t":"dev/switch","exp_aft":-1,"off_dly":"soon"}""");
        ha.Send("dev/text", "1");
        ha.Send("dev/fraction", "1");
        ha.Send("dev/switch", "ON");

        Assert.True(ha.Entity("sensor/never").IsAvailable);
        Assert.True(ha.Entity("switch/unknown_key").IsAvailable);
        time.Advance(89 * Second);
        Assert.True(ha.Entity("sensor/text").IsAvailable);
        Assert.True(ha.Entity("sensor/fraction").IsAvailable);

        time.Advance(Second);
        Assert.False(ha.Entity("sensor/text").IsAvailable);
        Assert.False(ha.Entity("sensor/fraction").IsAvailable);
        Assert.True(ha.Entity("switch/unknown_key").State.IsOn);
        Assert.Empty(ha.Registry.Rejections);
    }

    [Theory]
    [InlineData("sensor", """{"stat_t":"s","exp_aft":-1}""", "'expire_after' must be a whole number of seconds, 0 or more, not -1")]
    [InlineData("sensor", """{"stat_t":"s","exp_aft":"soon"}""", "'expire_after' must be a whole number of seconds, 0 or more, not \"soon\"")]
    [InlineData("binary_sensor", """{"stat_t":"s","exp_aft":"1.5"}""", "'expire_after' must be a whole number of seconds, 0 or more, not \"1.5\"")]
    [InlineData("binary_sensor", """{"stat_t":"s","off_dly":-5}""", "'off_delay' must be a whole number of seconds, 0 or more, not -5")]
    [InlineData("binary_sensor", """{"stat_t":"s","off_dly":true}""", "'off_delay' must be a whole number of seconds, 0 or more, not true")]
    [InlineData("binary_sensor", """{"stat_t":"s","off_dly":[30]}""", "'off_delay' must be a whole number of seconds, 0 or more, not [30]")]
    public async Task Invalid_delays_reject_the_config_as_home_assistant_does(string component, string config, string detail)
    {
        await using var ha = await OfflineRegistry.StartAsync(time: new ManualTimeProvider());

        ha.Discover($"homeassistant/{component}/x/config", config);

        Assert.Empty(ha.Registry.Entities);
        var rejection = Assert.Single(ha.Registry.Rejections);
        Assert.Equal(RejectionReason.InvalidValue, rejection.Reason);
        Assert.Equal(detail, rejection.Detail);
    }
}
