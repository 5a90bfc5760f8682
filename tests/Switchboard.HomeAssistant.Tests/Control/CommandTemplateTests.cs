using Switchboard.HomeAssistant.Tests.Support;

namespace Switchboard.HomeAssistant.Tests.Control;

/// <summary>Command templates as real publishers write them, and what happens when one cannot render: nothing is sent.</summary>
public sealed class CommandTemplateTests
{
    // A Zigbee2MQTT fan with ZCL fan modes, discovery config as lib/extension/homeassistant.ts builds it.
    private const string Zigbee2MqttFan = """
        {"name":null,"object_id":"fan","unique_id":"0x00124b0012345678_fan_zigbee2mqtt",
         "state_topic":"zigbee2mqtt/fan","command_topic":"zigbee2mqtt/fan/set/fan_state","state_value_template":"{{ value_json.fan_state }}",
         "percentage_state_topic":"zigbee2mqtt/fan","percentage_command_topic":"zigbee2mqtt/fan/set/fan_mode",
         "percentage_value_template":"{{ {'off':0, 'low':1, 'medium':2, 'high':3}[value_json[\"fan_mode\"]] | default('None') }}",
         "percentage_command_template":"{{ {0:'off', 1:'low', 2:'medium', 3:'high'}[value] | default('') }}",
         "speed_range_min":1,"speed_range_max":3,
         "preset_mode_state_topic":"zigbee2mqtt/fan","preset_mode_command_topic":"zigbee2mqtt/fan/set/fan_mode",
         "preset_mode_value_template":"{{ value_json[\"fan_mode\"] if value_json[\"fan_mode\"] in ['on', 'auto', 'smart'] else 'None' | default('None') }}",
         "preset_modes":["on","auto","smart"]}
        """;

    [Theory]
    [InlineData(50, "medium")]
    [InlineData(33, "low")]
    [InlineData(34, "medium")]
    [InlineData(100, "high")]
    [InlineData(0, "off")]
    public async Task Zigbee2mqtt_fan_percentage_is_sent_as_the_mode_home_assistant_sends(int percentage, string mode)
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/fan/0x00124b0012345678/fan/config", Zigbee2MqttFan);
        var fan = ha.Entity("0x00124b0012345678_fan_zigbee2mqtt");

        Assert.Empty(fan.RejectedTemplates);
        Assert.Equal(0, ha.Registry.GetStats().UnsupportedTemplates);
        var message = Assert.Single(fan.AsFan().BuildSetPercentage(percentage));
        Assert.Equal("zigbee2mqtt/fan/set/fan_mode", message.Topic);
        Assert.Equal(mode, message.Payload);
    }

    [Fact]
    public async Task Zigbee2mqtt_fan_state_reads_the_mode_back_as_a_percentage()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/fan/0x00124b0012345678/fan/config", Zigbee2MqttFan);
        var fan = ha.Entity("0x00124b0012345678_fan_zigbee2mqtt");

        ha.Send("zigbee2mqtt/fan", """{"fan_mode":"medium","fan_state":"ON"}""");

        Assert.Equal(true, fan.State.IsOn);
        Assert.Equal(66, fan.State.Percentage); // ranged_value_to_percentage((1, 3), 2) = 200 // 3
    }

    [Fact]
    public async Task An_unsupported_command_template_fails_the_call_and_sends_nothing()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/fan/f/config", """
            {"cmd_t":"f/set","pct_cmd_t":"f/pct","pct_cmd_tpl":"{% for s in ['low','high'] %}{{ s }}{% endfor %}","spd_rng_max":3}
            """);
        var entity = ha.Entity("fan/f");
        var fan = entity.AsFan();

        var built = Assert.Throws<CommandTemplateException>(() => fan.BuildSetPercentage(50));
        var called = await Assert.ThrowsAsync<CommandTemplateException>(() => fan.SetPercentageAsync(50));

        Assert.Equal("fan/f", built.EntityId);
        Assert.Equal("percentage_command_template", built.Option);
        Assert.Equal("{% for s in ['low','high'] %}{{ s }}{% endfor %}", built.Template);
        Assert.True(built.IsUnsupported);
        Assert.Contains("fan/f", built.Message, StringComparison.Ordinal);
        Assert.Contains("percentage_command_template", built.Message, StringComparison.Ordinal);
        Assert.Contains("{% for s in", built.Message, StringComparison.Ordinal);
        Assert.Contains("not sent", built.Message, StringComparison.Ordinal);
        Assert.Equal(built.Message, called.Message);

        // The other actions of the entity still work.
        Assert.Equal("ON", Assert.Single(fan.BuildTurnOn()).Payload);
    }

    [Fact]
    public async Task A_turn_on_whose_percentage_template_is_unsupported_sends_none_of_its_messages()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/fan/f/config", """{"cmd_t":"f/set","pct_cmd_t":"f/pct","pct_cmd_tpl":"{{ states('fan.x') }}"}""");

        Assert.Throws<CommandTemplateException>(() => ha.Entity("fan/f").AsFan().BuildTurnOn(percentage: 40));
    }

    [Fact]
    public async Task A_command_template_that_fails_for_the_value_fails_the_call()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/select/s/config", """{"cmd_t":"s/set","ops":["a","b"],"cmd_tpl":"{{ value | int }}"}""");

        var error = Assert.Throws<CommandTemplateException>(() => ha.Entity("select/s").AsSelect().BuildSelectOption("a"));

        Assert.False(error.IsUnsupported);
        Assert.Equal("command_template", error.Option);
        Assert.Contains("int got invalid input 'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Zigbee2mqtt_siren_style_command_template_renders_with_defaults()
    {
        await using var ha = await OfflineRegistry.StartAsync();
        ha.Discover("homeassistant/switch/s/config", """
            {"cmd_t":"z/siren/set","cmd_tpl":"{\"warning\": {\"mode\": \"{{ tone | default('emergency') }}\", \"level\": \"{% if volume_level is defined %}{% if volume_level | float <= 0.25 %}low{% elif volume_level | float <= 0.5 %}medium{% elif volume_level | float <= 0.75 %}high{% else %}very_high{% endif %}{% else %}medium{% endif %}\", \"duration\": {{ duration | default(10) }}}}"}
            """);

        var message = Assert.Single(ha.Entity("switch/s").AsSwitch().BuildTurnOn());

        Assert.Equal("""{"warning": {"mode": "emergency", "level": "medium", "duration": 10}}""", message.Payload);
    }
}
