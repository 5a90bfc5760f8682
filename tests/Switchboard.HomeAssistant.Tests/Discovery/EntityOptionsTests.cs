using Switchboard.HomeAssistant.Tests.Payloads;
using Switchboard.HomeAssistant.Tests.Support;

namespace Switchboard.HomeAssistant.Tests.Discovery;

public sealed class EntityOptionsTests
{
    [Fact]
    public async Task Climate_options_are_typed_with_home_assistant_defaults_and_follow_a_rediscovery()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/climate/trv/config", """
            {"mode_cmd_t":"trv/mode/set","mode_stat_t":"trv/mode","temp_cmd_t":"trv/temp/set","min_temp":"5","max_temp":30,"temp_step":0.5,"modes":["off","heat"],"avty_t":"trv/lwt","qos":1}
            """);
        var trv = ha.Entity("climate/trv");

        var options = trv.Options;
        Assert.Equal(5, options.MinTemp);
        Assert.Equal(30, options.MaxTemp);
        Assert.Equal(0.5, options.TempStep);
        Assert.Equal(["off", "heat"], options.Modes);
        Assert.Equal(["auto", "low", "medium", "high"], options.FanModes);
        Assert.Equal(["on", "off"], options.SwingModes);
        Assert.Equal(30, options.MinHumidity);
        Assert.Equal(["trv/lwt"], options.AvailabilityTopics);
        Assert.Equal(Qos.AtLeastOnce, options.Qos);
        Assert.Null(options.CommandTopic);
        Assert.Equal("trv/temp/set", options.Topics["temperature_command_topic"]);
        Assert.Null(options.Min);
        Assert.Null(options.Options);

        ha.Discover("homeassistant/climate/trv/config", """{"temp_cmd_t":"trv/temp/set","temperature_unit":"F"}""");

        Assert.Equal(44.6, trv.Options.MinTemp);
        Assert.Equal(95, trv.Options.MaxTemp);
        Assert.Equal(["auto", "off", "cool", "heat", "dry", "fan_only"], trv.Options.Modes);
        Assert.Empty(trv.Options.AvailabilityTopics);
        Assert.Equal(5, options.MinTemp);
    }

    [Fact]
    public async Task Number_select_light_and_event_options()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/number/n/config", """{"cmd_t":"n/set","stat_t":"n/state","max":10,"step":"0.5"}""");
        ha.Discover("homeassistant/select/s/config", """{"cmd_t":"s/set","ops":["a","b"]}""");
        ha.Discover(RealWorld.Z2mLightConfigTopic, RealWorld.Z2mLightConfig);
        ha.Discover(RealWorld.EspHomeDoorbellTopic, RealWorld.EspHomeDoorbell);
        ha.Discover(RealWorld.Z2mTriggerSingleTopic, RealWorld.Z2mTriggerSingle);

        var number = ha.Entity("number/n").Options;
        Assert.Equal((1, 10, 0.5, "auto"), (number.Min, number.Max, number.Step, number.Mode));
        Assert.Equal("n/set", number.CommandTopic);
        Assert.Equal("n/state", number.StateTopic);
        Assert.Equal(["a", "b"], ha.Entity("select/s").Options.Options);

        var lamp = ha.Entity("0x001788010b9a1c2d_light_zigbee2mqtt").Options;
        Assert.Equal(["blink", "breathe", "okay", "channel_change", "finish_effect", "stop_effect"], lamp.EffectList);
        Assert.Equal(["xy", "color_temp"], lamp.SupportedColorModes);
        Assert.Equal((254d, 153d, 500d), (lamp.BrightnessScale!.Value, lamp.MinMireds!.Value, lamp.MaxMireds!.Value));
        Assert.Equal(["zigbee2mqtt/bridge/state", "zigbee2mqtt/Living Room Lamp/availability"], lamp.AvailabilityTopics);
        Assert.Equal(AvailabilityMode.All, lamp.AvailabilityMode);

        var doorbell = ha.Entity("ESPeventdoorbell").Options;
        Assert.Equal(["single_press", "double_press", "long_press"], doorbell.EventTypes);
        Assert.Equal("doorbell", doorbell.DeviceClass);

        var trigger = ha.Entity("device_automation/0x0017880104e45517/action_single").Options;
        Assert.Equal(("action", "single", "single", RealWorld.Z2mSwitchAction), (trigger.TriggerType, trigger.TriggerSubtype, trigger.TriggerPayload, trigger.Topic));
        Assert.Null(trigger.EventTypes);
    }
}
