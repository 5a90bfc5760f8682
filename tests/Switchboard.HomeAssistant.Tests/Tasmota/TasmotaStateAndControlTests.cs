using System.Text.Json.Nodes;
using Switchboard.HomeAssistant.Tests.Support;
using static Switchboard.HomeAssistant.Tests.Payloads.TasmotaPayloads;

namespace Switchboard.HomeAssistant.Tests.Tasmota;

/// <summary>State read from stat/RESULT and tele/STATE, and the commands Home Assistant's Tasmota integration sends.</summary>
public sealed class TasmotaStateAndControlTests
{
    [Fact]
    public async Task A_relay_reads_POWER_from_RESULT_and_STATE_and_switches_with_PowerN()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c => c["rl"] = new JsonArray(1, 1)));
        var first = ha.Entity("00000049A3BC_switch_relay_0");
        var second = ha.Entity("00000049A3BC_switch_relay_1");

        ha.Send("tasmota_49A3BC/stat/RESULT", """{"POWER":"ON"}""");
        Assert.True(first.State.IsOn);
        Assert.Null(second.State.IsOn);
        ha.Send("tasmota_49A3BC/tele/STATE", """{"Time":"2024-03-01T12:00:00","Uptime":"0T00:10:00","POWER1":"OFF","POWER2":"ON","Wifi":{"RSSI":80}}""");
        Assert.False(first.State.IsOn);
        Assert.True(second.State.IsOn);
        var before = second.State;
        ha.Send("tasmota_49A3BC/stat/RESULT", """{"Dimmer":40}""");
        Assert.Same(before, second.State); // nothing about this relay: no update

        Assert.Equal([new CommandMessage("tasmota_49A3BC/cmnd/Power1", "ON", Qos.AtMostOnce, false)], first.AsSwitch().BuildTurnOn());
        Assert.Equal([new CommandMessage("tasmota_49A3BC/cmnd/Power2", "OFF", Qos.AtMostOnce, false)], second.AsSwitch().BuildTurnOff());
    }

    [Fact]
    public async Task Custom_power_states_are_used_for_state_and_commands()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(1);
            c["state"] = new JsonArray("Aus", "An", "Um", "Halten");
        }));
        var relay = ha.Entity("00000049A3BC_switch_relay_0");
        ha.Send("tasmota_49A3BC/stat/RESULT", """{"POWER":"An"}""");
        Assert.True(relay.State.IsOn);
        Assert.Equal("Aus", Assert.Single(relay.AsSwitch().BuildTurnOff()).Payload);
    }

    [Fact]
    public async Task A_dimmer_light_reads_Dimmer_and_sends_a_Backlog()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(2, 0);
            c["lt_st"] = 1;
        }));
        var entity = ha.Entity("00000049A3BC_light_light_0");
        var light = entity.AsLight();

        ha.Send("tasmota_49A3BC/stat/RESULT", """{"POWER":"ON","Dimmer":50}""");
        Assert.True(entity.State.IsOn);
        Assert.Equal(128, entity.State.Brightness);
        ha.Send("tasmota_49A3BC/tele/STATE", """{"POWER":"OFF","Dimmer":100,"Fade":"OFF","Speed":1}""");
        Assert.False(entity.State.IsOn);
        Assert.Equal(255, entity.State.Brightness);

        // Home Assistant's tests: brightness 192 is Dimmer 75; a plain turn on is Power1 ON.
        Assert.Equal([new CommandMessage("tasmota_49A3BC/cmnd/Backlog", "NoDelay;Dimmer 75", Qos.AtMostOnce, false)], light.BuildTurnOn(new LightCommand { Brightness = 192 }));
        Assert.Equal("NoDelay;Power1 ON", Assert.Single(light.BuildTurnOn(new LightCommand())).Payload);
        Assert.Equal("NoDelay;Dimmer 1", Assert.Single(light.BuildTurnOn(new LightCommand { Brightness = 1 })).Payload);
        Assert.Equal("NoDelay;Power1 OFF", Assert.Single(light.BuildTurnOff()).Payload);

        // Transitions (Fade2/Speed2) are not mapped: accepted and left out of the Backlog.
        Assert.Equal("NoDelay;Dimmer 75", Assert.Single(light.BuildTurnOn(new LightCommand { Brightness = 192, Transition = 2 })).Payload);
    }

    [Fact]
    public async Task A_tuya_dimmer_is_dimmed_with_Dimmer3()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(2);
            c["lt_st"] = 1;
            c["ty"] = 1;
        }));
        var entity = ha.Entity("00000049A3BC_light_light_0");
        Assert.Equal("NoDelay;Dimmer3 75", Assert.Single(entity.AsLight().BuildTurnOn(new LightCommand { Brightness = 192 })).Payload);
        ha.Send("tasmota_49A3BC/stat/RESULT", """{"POWER":"ON","Dimmer":100}""");
        Assert.Equal(255, entity.State.Brightness);
    }

    [Fact]
    public async Task SetOption20_sends_the_power_after_the_dimmer()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(2);
            c["lt_st"] = 1;
            c["so"]!["20"] = 1;
        }));
        var light = ha.Entity("00000049A3BC_light_light_0").AsLight();
        Assert.Equal("NoDelay;Dimmer 75;NoDelay;Power1 ON", Assert.Single(light.BuildTurnOn(new LightCommand { Brightness = 192 })).Payload);
    }

    [Fact]
    public async Task An_rgbcw_light_reads_color_and_ct_and_sends_HsbColor_CT_and_Scheme()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(2);
            c["lt_st"] = 5;
        }));
        var entity = ha.Entity("00000049A3BC_light_light_0");
        var light = entity.AsLight();
        Assert.Equal(153, entity.Options.MinMireds);
        Assert.Equal(500, entity.Options.MaxMireds);
        Assert.Equal(["Solid", "Wake up", "Cycle up", "Cycle down", "Random"], entity.Options.EffectList);

        // Tasmota's Color is scaled by the dimmer: 7F at Dimmer 50 is full red.
        ha.Send("tasmota_49A3BC/stat/RESULT", """{"POWER":"ON","Dimmer":50,"Color":"7F00000000","HSBColor":"0,100,50","White":0,"CT":300,"Channel":[50,0,0,0,0]}""");
        Assert.True(entity.State.IsOn);
        Assert.Equal(128, entity.State.Brightness);
        Assert.Equal(new RgbColor(254, 0, 0), entity.State.Rgb);
        Assert.Equal(300, entity.State.ColorTempMireds);
        ha.Send("tasmota_49A3BC/stat/RESULT", """{"POWER":"ON","Dimmer":100,"Color":"0,255,0,0,0"}""");
        Assert.Equal(new RgbColor(0, 255, 0), entity.State.Rgb);

        Assert.Equal("NoDelay;Power1 ON;NoDelay;HsbColor1 30;NoDelay;HsbColor2 80", Assert.Single(light.BuildTurnOn(new LightCommand { Hs = new HsColor(30, 80) })).Payload);
        Assert.Equal("NoDelay;Dimmer 50;NoDelay;CT 300", Assert.Single(light.BuildTurnOn(new LightCommand { Brightness = 128, ColorTempMireds = 300 })).Payload);
        Assert.Equal("NoDelay;Power1 ON;NoDelay;Scheme 1", Assert.Single(light.BuildTurnOn(new LightCommand { Effect = "Wake up" })).Payload);
    }

    [Fact]
    public async Task SetOption82_reduces_the_ct_range_and_SetOption68_dims_each_channel()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(2, 2);
            c["lt_st"] = 2;
            c["so"]!["82"] = 1;
        }));
        var ct = ha.Entity("00000049A3BC_light_light_0");
        Assert.Equal((200, 380), (ct.Options.MinMireds, ct.Options.MaxMireds));

        ha.Discover(HaDefaultConfigTopic, HaDefaultWith(c =>
        {
            c["rl"] = new JsonArray(2, 2);
            c["lt_st"] = 2;
            c["so"]!["68"] = 1;
        }));
        var second = ha.Entity("00000049A3BC_light_light_1");
        Assert.Equal("NoDelay;Channel2 50", Assert.Single(second.AsLight().BuildTurnOn(new LightCommand { Brightness = 128 })).Payload);
        ha.Send("tasmota_49A3BC/stat/RESULT", """{"POWER2":"ON","Channel2":20}""");
        Assert.True(second.State.IsOn);
        Assert.Equal(51, second.State.Brightness);
    }
}
