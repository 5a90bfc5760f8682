using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Simulator.Tests;

/// <summary>The physics of the simulated devices, on a fake clock: no broker, no waiting.</summary>
public sealed class DeviceSimulationTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Plug_power_follows_the_switch()
    {
        var plug = Create<SimulatedPlug>(new DeviceDefinition { Id = "plug", Type = DeviceTypes.Plug, Watts = 1000 });
        Assert.Equal(0, plug.Power);
        Assert.Equal("0.0", plug.GetState("power"));

        Assert.True(plug.HandleCommand("relay", "command_topic", "ON"));
        Assert.Equal("ON", plug.GetState("relay"));
        for (var i = 0; i < 60; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            plug.Update();
            Assert.InRange(plug.Power, 850, 1150);
        }

        Assert.InRange(plug.EnergyKwh, 1000 * 60 / 3600.0 / 1000 * 0.85, 1000 * 60 / 3600.0 / 1000 * 1.15);
        var readings = Enumerable.Range(0, 10).Select(_ =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            plug.Update();
            return plug.GetState("power");
        }).Distinct().Count();
        Assert.True(readings > 1, "power on has noise");

        Assert.True(plug.HandleCommand("relay", "command_topic", "OFF"));
        Assert.Equal(0, plug.Power);
        _time.Advance(TimeSpan.FromSeconds(5));
        plug.Update();
        Assert.Equal("0.0", plug.GetState("power"));
        Assert.False(plug.HandleCommand("relay", "command_topic", "MAYBE"));
    }

    [Fact]
    public void Cover_moves_over_time_and_stops()
    {
        var cover = Create<SimulatedCover>(new DeviceDefinition { Id = "garage", Type = DeviceTypes.Cover, TravelSeconds = 10 });
        Assert.Equal("closed", cover.State);

        Assert.True(cover.HandleCommand("cover", "set_position_topic", "40"));
        _time.Advance(TimeSpan.FromSeconds(2));
        cover.Update();
        Assert.Equal(20, cover.Position);
        Assert.Equal("opening", cover.State);
        Assert.Equal("{\"state\":\"opening\",\"position\":20}", cover.GetState("cover"));

        _time.Advance(TimeSpan.FromSeconds(5));
        cover.Update();
        Assert.Equal(40, cover.Position);
        Assert.Equal("open", cover.State);

        Assert.True(cover.HandleCommand("cover", "command_topic", "CLOSE"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cover.HandleCommand("cover", "command_topic", "STOP"));
        Assert.Equal(30, cover.Position);
        _time.Advance(TimeSpan.FromSeconds(10));
        cover.Update();
        Assert.Equal(30, cover.Position);
        Assert.Equal("open", cover.State);

        cover.HandleCommand("cover", "command_topic", "CLOSE");
        _time.Advance(TimeSpan.FromSeconds(10));
        cover.Update();
        Assert.Equal("closed", cover.State);
    }

    [Fact]
    public void Thermostat_approaches_its_target_and_then_idles()
    {
        var thermostat = Create<SimulatedThermostat>(new DeviceDefinition { Id = "living", Type = DeviceTypes.Thermostat, Temperature = 18 });
        Assert.True(thermostat.HandleCommand("thermostat", "temperature_command_topic", "22"));
        Assert.Equal("heating", thermostat.Action);

        var previous = thermostat.CurrentTemperature;
        for (var i = 0; i < 60; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            thermostat.Update();
            Assert.True(thermostat.CurrentTemperature > previous, "warms up every second");
            previous = thermostat.CurrentTemperature;
        }

        Assert.InRange(thermostat.CurrentTemperature, 19.1, 19.3);   // 1.2 °C per minute
        _time.Advance(TimeSpan.FromMinutes(5));
        thermostat.Update();
        Assert.Equal(22, thermostat.CurrentTemperature, 1);
        Assert.Equal("idle", thermostat.Action);

        Assert.True(thermostat.HandleCommand("thermostat", "mode_command_topic", "cool"));
        Assert.True(thermostat.HandleCommand("thermostat", "temperature_command_topic", "20"));
        _time.Advance(TimeSpan.FromMinutes(1));
        thermostat.Update();
        Assert.InRange(thermostat.CurrentTemperature, 20.7, 20.9);
        Assert.Equal("cooling", thermostat.Action);
        Assert.Contains("\"mode\":\"cool\"", thermostat.GetState("thermostat"));
        Assert.False(thermostat.HandleCommand("thermostat", "mode_command_topic", "dry"));
    }

    [Fact]
    public void Motion_sensor_reports_random_events_that_clear_after_the_hold_time()
    {
        var motion = Create<SimulatedMotionSensor>(new DeviceDefinition { Id = "motion", Type = DeviceTypes.Motion, MotionInterval = 20 }, seed: 7);
        var sawOn = 0;
        var sawOff = 0;
        string? last = null;
        for (var i = 0; i < 600; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            motion.Update();
            var state = motion.GetState("motion");
            if (state != last)
            {
                _ = state == "ON" ? sawOn++ : sawOff++;
                last = state;
            }
        }

        // Ten minutes at one event per 20 s on average: many events, and the sensor clears between them.
        Assert.InRange(motion.Events, 10, 60);
        Assert.True(sawOn >= 3 && sawOff >= 3, $"on {sawOn} times, off {sawOff} times");

        motion.Trigger();
        Assert.True(motion.Motion);
        _time.Advance(SimulatedMotionSensor.HoldTime + TimeSpan.FromSeconds(1));
        var quiet = Create<SimulatedMotionSensor>(new DeviceDefinition { Id = "quiet", Type = DeviceTypes.Motion, MotionInterval = 86_400 }, seed: 1);
        quiet.Trigger();
        _time.Advance(SimulatedMotionSensor.HoldTime + TimeSpan.FromSeconds(1));
        quiet.Update();
        Assert.False(quiet.Motion);
    }

    [Fact]
    public void Sensors_drift_slowly_around_their_set_points()
    {
        var sensor = Create<SimulatedClimateSensor>(new DeviceDefinition { Id = "bedroom", Type = DeviceTypes.Sensor, Temperature = 20, Humidity = 50 });
        var values = new List<double>();
        for (var i = 0; i < 3600; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            sensor.Update();
            values.Add(sensor.Temperature);
        }

        Assert.InRange(values.Min(), 18.5, 20);
        Assert.InRange(values.Max(), 20, 21.5);
        Assert.True(values.Zip(values.Skip(1)).All(p => Math.Abs(p.First - p.Second) < 0.1), "no jumps between seconds");
        Assert.InRange(sensor.Humidity, 40, 60);
    }

    [Fact]
    public void Lights_fans_and_locks_obey_their_commands()
    {
        var light = Create<SimulatedLight>(new DeviceDefinition { Id = "kitchen", Type = DeviceTypes.Light, Brightness = true, ColorTemp = true });
        Assert.True(light.HandleCommand("light", "command_topic", "{\"state\":\"ON\",\"brightness\":128,\"color_temp\":2700}"));
        Assert.Equal("{\"state\":\"ON\",\"brightness\":128,\"color_mode\":\"color_temp\",\"color_temp\":2700}", light.GetState("light"));
        Assert.False(light.HandleCommand("light", "command_topic", "{not json"));

        var plain = Create<SimulatedLight>(new DeviceDefinition { Id = "hall", Type = DeviceTypes.Light });
        Assert.True(plain.HandleCommand("light", "command_topic", "ON"));
        Assert.Equal("ON", plain.GetState("light"));

        var fan = Create<SimulatedFan>(new DeviceDefinition { Id = "fan", Type = DeviceTypes.Fan, Presets = ["sleep"] });
        Assert.True(fan.HandleCommand("fan", "percentage_command_topic", "50"));
        Assert.True(fan.HandleCommand("fan", "preset_mode_command_topic", "sleep"));
        Assert.True(fan.HandleCommand("fan", "oscillation_command_topic", "oscillate_on"));
        Assert.Equal("{\"state\":\"ON\",\"percentage\":50,\"preset_mode\":\"sleep\",\"oscillation\":\"oscillate_on\"}", fan.GetState("fan"));
        Assert.False(fan.HandleCommand("fan", "preset_mode_command_topic", "turbo"));

        var frontLock = Create<SimulatedLock>(new DeviceDefinition { Id = "front", Type = DeviceTypes.Lock });
        Assert.Equal("LOCKED", frontLock.GetState("lock"));
        Assert.True(frontLock.HandleCommand("lock", "command_topic", "UNLOCK"));
        Assert.Equal("UNLOCKED", frontLock.GetState("lock"));
    }

    [Fact]
    public void The_default_home_has_fifteen_devices_with_home_assistant_style_entity_ids()
    {
        var home = DefaultHome.Create();
        home.Validate();
        Assert.Equal(15, home.Devices.Count);
        var ids = home.Devices.SelectMany(d => SimulatedDevice.Create(d, _time).Entities).Select(e => e.EntityId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("light.kitchen", ids);
        Assert.Contains("sensor.plug_power", ids);
        Assert.Contains("climate.living", ids);
        Assert.Contains("cover.garage", ids);
        Assert.Contains("fan.bedroom", ids);
        Assert.Contains("lock.front", ids);
        Assert.Contains("button.doorbell", ids);
        Assert.Contains("binary_sensor.hallway_motion", ids);
    }

    [Fact]
    public void Home_files_round_trip_and_bad_ones_are_refused_with_a_reason()
    {
        var json = DefaultHome.Create().ToJson();
        Assert.Equal(15, HomeDefinition.Parse(json).Devices.Count);

        var typo = Assert.Throws<FormatException>(() => HomeDefinition.Parse("{\"devices\":[{\"id\":\"a\",\"type\":\"light\",\"brightnes\":true}]}"));
        Assert.Contains("brightnes", typo.Message);
        var type = Assert.Throws<FormatException>(() => HomeDefinition.Parse("{\"devices\":[{\"id\":\"a\",\"type\":\"toaster\"}]}"));
        Assert.Contains("toaster", type.Message);
        var duplicate = Assert.Throws<FormatException>(() => HomeDefinition.Parse("{\"devices\":[{\"id\":\"a\",\"type\":\"lock\"},{\"id\":\"a\",\"type\":\"fan\"}]}"));
        Assert.Contains("two devices", duplicate.Message);
        Assert.Throws<FormatException>(() => HomeDefinition.Parse("{\"devices\":[{\"id\":\"a b\",\"type\":\"lock\"}]}"));
        Assert.Throws<FormatException>(() => HomeDefinition.Parse("{\"devices\": ["));
    }

    private T Create<T>(DeviceDefinition definition, int seed = 42)
        where T : SimulatedDevice => (T)SimulatedDevice.Create(definition, _time, new Random(seed));
}
