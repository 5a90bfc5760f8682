using System.Text.Json.Nodes;
using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.HomeAssistant.Tests.Discovery;

public sealed class AbbreviationTests
{
    [Fact]
    public void Expands_entity_device_origin_and_availability_keys()
    {
        var payload = JsonNode.Parse("""
            {"name":"R","stat_t":"s","cmd_t":"c","avty_t":"a","pl_avail":"Online","pl_not_avail":"Offline","val_tpl":"{{value_json.POWER}}",
             "uniq_id":"u","unit_of_meas":"%","dev_cla":"power","stat_cla":"measurement","json_attr_t":"j","ret":true,"opt":false,"ic":"mdi:x",
             "dev":{"ids":["A"],"mf":"Tasmota","mdl":"Basic","sw":"9.5","hw":"r2","cns":[["mac","aa:bb"]],"sa":"Kitchen","sn":"123","mdl_id":"B1","cu":"http://x"},
             "o":{"name":"app","sw":"2.1","url":"https://app"},
             "avty":[{"t":"t1","pl_avail":"on","val_tpl":"{{ value }}"}]}
            """)!.AsObject();

        Abbreviations.ExpandAll(payload);

        Assert.Equal(
            """{"name":"R","state_topic":"s","command_topic":"c","availability_topic":"a","payload_available":"Online","payload_not_available":"Offline","value_template":"{{value_json.POWER}}","unique_id":"u","unit_of_measurement":"%","device_class":"power","state_class":"measurement","json_attributes_topic":"j","retain":true,"optimistic":false,"icon":"mdi:x","device":{"identifiers":["A"],"manufacturer":"Tasmota","model":"Basic","sw_version":"9.5","hw_version":"r2","connections":[["mac","aa:bb"]],"suggested_area":"Kitchen","serial_number":"123","model_id":"B1","configuration_url":"http://x"},"origin":{"name":"app","sw_version":"2.1","support_url":"https://app"},"availability":[{"topic":"t1","payload_available":"on","value_template":"{{ value }}"}]}""",
            payload.ToJsonString());
    }

    [Fact]
    public void Device_and_origin_tables_apply_only_inside_their_mappings()
    {
        // "sw" is an origin/device abbreviation, not an entity one; "t" is an entity one ("topic"), not a device one.
        var payload = JsonNode.Parse("""{"sw":"keep","dev":{"t":"keep","sw":"1"},"o":{"name":"n","t":"keep"}}""")!.AsObject();

        Abbreviations.ExpandAll(payload);

        Assert.Equal("""{"sw":"keep","device":{"t":"keep","sw_version":"1"},"origin":{"name":"n","t":"keep"}}""", payload.ToJsonString());
    }

    [Fact]
    public void Expands_every_component_of_a_device_payload()
    {
        var payload = JsonNode.Parse("""{"dev":{"ids":"x"},"o":{"name":"n"},"cmps":{"a":{"p":"sensor","val_tpl":"v","avty":[{"t":"x"}]},"b":{"p":"switch","cmd_t":"c"}}}""")!.AsObject();

        Abbreviations.ExpandAll(payload);

        Assert.Equal(
            """{"device":{"identifiers":"x"},"origin":{"name":"n"},"components":{"a":{"platform":"sensor","value_template":"v","availability":[{"topic":"x"}]},"b":{"platform":"switch","command_topic":"c"}}}""",
            payload.ToJsonString());
    }

    [Fact]
    public void The_short_key_wins_over_the_long_one()
    {
        var payload = JsonNode.Parse("""{"state_topic":"long","stat_t":"short"}""")!.AsObject();

        Abbreviations.ExpandAll(payload);

        Assert.Equal("""{"state_topic":"short"}""", payload.ToJsonString());
    }

    [Fact]
    public void The_tables_match_home_assistant()
    {
        Assert.Equal("payload_oscillation_on", Abbreviations.Entity["pl_osc_on"]);
        Assert.Equal("percentage_command_template", Abbreviations.Entity["pct_cmd_tpl"]);
        Assert.Equal("temperature_low_command_topic", Abbreviations.Entity["temp_lo_cmd_t"]);
        Assert.Equal("brightness_value_template", Abbreviations.Entity["bri_val_tpl"]);
        Assert.Equal("current_temperature_template", Abbreviations.Entity["curr_temp_tpl"]);
        Assert.Equal("components", Abbreviations.Entity["cmps"]);
        Assert.Equal("platform", Abbreviations.Entity["p"]);
        Assert.Equal("origin", Abbreviations.Entity["o"]);
        Assert.Equal(12, Abbreviations.Device.Count);
        Assert.Equal(3, Abbreviations.Origin.Count);
        Assert.All(Abbreviations.Entity, pair => Assert.DoesNotContain(pair.Key, Abbreviations.Entity.Values.Where(v => v != pair.Key)));
    }

    [Theory]
    [InlineData("""{"~":"tele/x/","stat_t":"~STATE"}""", "state_topic", "tele/x/STATE")]
    [InlineData("""{"~":"tasmota_x","cmd_t":"cmnd/~"}""", "command_topic", "cmnd/tasmota_x")]
    [InlineData("""{"~":"base","stat_t":"a/~/b"}""", "state_topic", "a/~/b")]
    [InlineData("""{"~":"base/","avty_t":"~LWT"}""", "availability_topic", "base/LWT")]
    [InlineData("""{"~":"base","json_attr_t":"~/attr"}""", "json_attributes_topic", "base/attr")]
    [InlineData("""{"~":"base","val_tpl":"~/x"}""", "value_template", "~/x")]
    [InlineData("""{"~":"base","some_future_t":"~/x"}""", "some_future_t", "base/x")]
    public void Resolves_the_topic_base_at_the_start_or_end_of_topic_values(string json, string key, string expected)
    {
        var payload = JsonNode.Parse(json)!.AsObject();
        Abbreviations.ExpandAll(payload);

        TopicBase.Apply(payload);

        Assert.Equal(expected, (string?)payload[key]);
        Assert.False(payload.ContainsKey("~"));
    }

    [Fact]
    public void Resolves_the_topic_base_in_availability_entries()
    {
        var payload = JsonNode.Parse("""{"~":"dev1","avty":[{"t":"~/online"},{"t":"bridge/state"}]}""")!.AsObject();
        Abbreviations.ExpandAll(payload);

        TopicBase.Apply(payload);

        Assert.Equal("""{"availability":[{"topic":"dev1/online"},{"topic":"bridge/state"}]}""", payload.ToJsonString());
    }
}
