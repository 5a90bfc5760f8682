using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant.Tests.Templates;

/// <summary>
/// Templates exactly as real publishers emit them: Zigbee2MQTT (<c>lib/extension/homeassistant.ts</c>) and
/// OpenMQTTGateway (<c>main/HMD/core/HassTemplates.h</c>), with the results Home Assistant renders.
/// </summary>
public sealed class PublisherTemplateTests
{
    // Zigbee2MQTT fan with modes off/low/medium/high (+ presets on/auto/smart): speeds 1..3.
    private const string Z2MFanPercentageCommand = "{{ {0:'off', 1:'low', 2:'medium', 3:'high'}[value] | default('') }}";
    private const string Z2MFanPercentageValue = "{{ {'off':0, 'low':1, 'medium':2, 'high':3}[value_json[\"fan_mode\"]] | default('None') }}";
    private const string Z2MFanPresetValue = "{{ value_json[\"fan_mode\"] if value_json[\"fan_mode\"] in ['on', 'auto', 'smart'] else 'None' | default('None') }}";

    // Hampton Bay 99432: five speeds.
    private const string Z2MHamptonBayPercentageCommand = "{{ {0:'off', 1:'low', 2:'medium', 3:'high', 4:'on'}[value] | default('') }}";

    private const string Z2MClimateAction = "{% set values = {None:None,'idle':'idle','heat':'heating','cool':'cooling','fan_only':'fan'} %}{{ values[value_json[\"running_state\"]] }}";
    private const string Z2MCoverMoving = "{% if \"moving\" in value_json and value_json[\"moving\"] %} {% if value_json[\"position\"] > 0 %} closing {% else %} opening {% endif %} {% else %} stopped {% endif %}";
    private const string Z2MSirenCommand = "{\"warning\": {\"mode\": \"{{ tone | default('emergency') }}\", \"level\": \"{% if volume_level is defined %}{% if volume_level | float <= 0.25 %}low{% elif volume_level | float <= 0.5 %}medium{% elif volume_level | float <= 0.75 %}high{% else %}very_high{% endif %}{% else %}medium{% endif %}\", \"duration\": {{ duration | default(10) }}}}";
    private const string Z2MText = "{{ value_json[\"text\"] | default('',True) | string | truncate(254, True, '', 0) }}";
    private const string Z2MUpdate = "{\"latest_version\":\"{{ value_json['update']['latest_version'] }}\",\"installed_version\":\"{{ value_json['update']['installed_version'] }}\",\"update_percentage\":{{ value_json['update'].get('progress', 'null') }},\"in_progress\":{{ (value_json['update']['state'] == 'updating')|lower }}}";

    [Theory]
    [InlineData(0L, "off")]
    [InlineData(1L, "low")]
    [InlineData(2L, "medium")]
    [InlineData(3L, "high")]
    [InlineData(7L, "")]
    public void Zigbee2mqtt_fan_percentage_command_maps_the_speed_to_its_mode(long speed, string expected)
    {
        var result = Template.Parse(Z2MFanPercentageCommand).RenderCommand(speed);

        Assert.Equal(TemplateOutcome.Value, result.Outcome);
        Assert.Equal(expected, result.Text);
    }

    [Fact]
    public void Hampton_bay_fan_has_a_fourth_speed()
    {
        Assert.Equal("on", Template.Parse(Z2MHamptonBayPercentageCommand).RenderCommand(4L).Text);
    }

    [Theory]
    [InlineData("""{"fan_mode":"medium","fan_state":"ON"}""", "2")]
    [InlineData("""{"fan_mode":"off"}""", "0")]
    [InlineData("""{"fan_mode":"smart"}""", "None")]
    [InlineData("""{"fan_state":"ON"}""", "None")]
    public void Zigbee2mqtt_fan_percentage_value_maps_the_mode_to_a_speed(string payload, string expected)
    {
        Assert.Equal(expected, Template.Parse(Z2MFanPercentageValue).RenderValue(payload).Text);
    }

    [Theory]
    [InlineData("""{"fan_mode":"smart"}""", "smart")]
    [InlineData("""{"fan_mode":"low"}""", "None")]
    public void Zigbee2mqtt_fan_preset_value(string payload, string expected)
    {
        Assert.Equal(expected, Template.Parse(Z2MFanPresetValue).RenderValue(payload).Text);
    }

    [Theory]
    [InlineData("""{"running_state":"heat"}""", "heating")]
    [InlineData("""{"running_state":"idle"}""", "idle")]
    [InlineData("""{"running_state":"fan_only"}""", "fan")]
    [InlineData("""{"running_state":null}""", "None")]
    public void Zigbee2mqtt_climate_action(string payload, string expected)
    {
        Assert.Equal(expected, Template.Parse(Z2MClimateAction).RenderValue(payload).Text);
    }

    [Fact]
    public void Zigbee2mqtt_climate_action_for_an_unknown_state_is_no_value()
    {
        Assert.Equal(TemplateOutcome.Undefined, Template.Parse(Z2MClimateAction).RenderValue("""{"running_state":"preheat"}""").Outcome);
    }

    [Theory]
    [InlineData("""{"moving":true,"position":40}""", "closing")]
    [InlineData("""{"moving":true,"position":0}""", "opening")]
    [InlineData("""{"moving":false,"position":40}""", "stopped")]
    [InlineData("""{"position":40}""", "stopped")]
    public void Zigbee2mqtt_cover_moving_state_is_stripped_like_home_assistant(string payload, string expected)
    {
        Assert.Equal(expected, Template.Parse(Z2MCoverMoving).RenderValue(payload).Text);
    }

    [Fact]
    public void Zigbee2mqtt_siren_command_renders_nested_blocks_and_closing_braces()
    {
        var template = Template.Parse(Z2MSirenCommand);

        Assert.Equal("""{"warning": {"mode": "emergency", "level": "medium", "duration": 10}}""", template.RenderCommand(null).Text);
        Assert.Equal(
            """{"warning": {"mode": "fire", "level": "high", "duration": 5}}""",
            template.RenderCommand(null, new Dictionary<string, object?> { ["tone"] = "fire", ["volume_level"] = 0.7, ["duration"] = 5L }).Text);
    }

    [Fact]
    public void Zigbee2mqtt_text_value_truncates_and_defaults()
    {
        var template = Template.Parse(Z2MText);

        Assert.Equal("hello", template.RenderValue("""{"text":"hello"}""").Text);
        Assert.Equal(string.Empty, template.RenderValue("""{"text":null}""").Text);
        Assert.Equal(254, template.RenderValue($$"""{"text":"{{new string('x', 300)}}"}""").Text!.Length);
    }

    [Fact]
    public void Zigbee2mqtt_update_value_builds_json()
    {
        var result = Template.Parse(Z2MUpdate).RenderValue("""{"update":{"state":"updating","installed_version":1,"latest_version":2,"progress":42.5}}""");

        Assert.Equal("""{"latest_version":"2","installed_version":"1","update_percentage":42.5,"in_progress":true}""", result.Text);
    }

    [Theory]
    [InlineData("{{ value_json.tempc | is_defined }}", """{"tempc":21.5}""", "21.5")]
    [InlineData("{{ value_json.power | is_defined | float > 0 }}", """{"power":3}""", "True")]
    [InlineData("{% if value_json.power > 0.02 -%} on {% else %} off {%- endif %}", """{"power":0.5}""", "on")]
    [InlineData("{% if value_json.power > 0.02 -%} on {% else %} off {%- endif %}", """{"power":0}""", "off")]
    [InlineData("{% if value_json.uuid is not defined and value_json.volt is defined -%} {{value_json.volt}} {%- endif %}", """{"volt":3.1}""", "3.1")]
    [InlineData("{{ float(value_json.pa) * 0.01 | is_defined }}", """{"pa":101325}""", "1013.25")]
    public void OpenMqttGateway_templates(string template, string payload, string expected)
    {
        Assert.Equal(expected, Template.Parse(template).RenderValue(payload).Text);
    }

    [Theory]
    [InlineData("{{ {'a': 1, 'b': 2}[value] }}", "b", "2")]
    [InlineData("{{ {'a': {'b': 1}} }}", "x", "{'a': {'b': 1}}")]
    [InlineData("{{ {'a': {'b': 1}}['a']['b'] }}", "x", "1")]
    [InlineData("{{ {1: 'one'}[1.0] }}", "x", "one")]
    [InlineData("{{ {True: 'yes'}[1] }}", "x", "yes")]
    [InlineData("{{ {'a': 1, 'a': 2} }}", "x", "{'a': 2}")]
    [InlineData("{{ {} }}", "x", "{}")]
    [InlineData("{{ {'a': 1,} | length }}", "x", "1")]
    [InlineData("{{ 'a' in {'a': 1} }}", "x", "True")]
    [InlineData("{{ 'z' not in {'a': 1} }}", "x", "True")]
    [InlineData("{{ {'a': 1}.a }}", "x", "1")]
    [InlineData("{{ {'a': 1}.get('b', 7) }}", "x", "7")]
    [InlineData("{{ {'a': 1, 'b': 2}.keys() | join(',') }}", "x", "a,b")]
    [InlineData("{{ {0: 'off', 'x': None, 'l': [1, 2.0]} | tojson }}", "x", """{"0":"off","x":null,"l":[1,2.0]}""")]
    [InlineData("{{ {'a': 1} == {'a': 1} }}", "x", "True")]
    [InlineData("{{ value_json == {'a': 1} }}", """{"a":1}""", "True")]
    [InlineData("{{ {'a': 1} if value_json.x else {} }}", """{"x":1}""", "{'a': 1}")]
    [InlineData("{{ ('a', 'b') }}", "x", "('a', 'b')")]
    [InlineData("{{ ('a',) }}", "x", "('a',)")]
    [InlineData("{{ value in ('on', 'ON') }}", "ON", "True")]
    [InlineData("{{ [1, 2] == (1, 2) }}", "x", "False")]
    [InlineData("{% set m = {'on': 'ON', 'off': 'OFF'} %}{% set s = value | lower %}{{ m[s] }}", "On", "ON")]
    [InlineData("{% set a = 1 %}{% set b = a + 1 %}{% if b > 1 %}{{ b }}{% else %}no{% endif %}", "x", "2")]
    [InlineData("{{ value | regex_replace('(\\\\d+)', '<\\\\1>') }}", "a12b", "a<12>b")]
    [InlineData("{{ value | regex_search('o') }}", "on", "True")]
    [InlineData("{{ value | regex_findall_index('(\\\\d+)', 1) }}", "a1b22", "22")]
    [InlineData("{{ value | truncate(20) }}", "hello world, how are you", "hello world, how are you")]
    [InlineData("{{ value | truncate(9) }}", "hello world, how are you", "hello...")]
    [InlineData("{{ [3, 1, 3] | unique | list }}", "x", "[3, 1]")]
    [InlineData("{{ [1, 2, 3] | sum }}", "x", "6")]
    [InlineData("{{ value | int | abs }}", "-4", "4")]
    public void Dict_and_tuple_literals_and_the_extra_filters(string template, string payload, string expected)
    {
        var result = Template.Parse(template).RenderValue(payload);

        Assert.Equal(TemplateOutcome.Value, result.Outcome);
        Assert.Equal(expected, result.Text);
    }

    [Theory]
    [InlineData("{{ {[1]: 2} }}", "unhashable type: 'list'")]
    [InlineData("{{ {'a': 1} + 1 }}", "unsupported operand type(s) for +: 'dict' and 'int'")]
    public void Dict_misuse_is_a_render_error(string template, string detail)
    {
        var result = Template.Parse(template).RenderValue("x");

        Assert.Equal(TemplateOutcome.Error, result.Outcome);
        Assert.Equal(detail, result.Detail);
    }

    [Theory]
    [InlineData("{{ {'a' 1} }}")]
    [InlineData("{{ {'a': } }}")]
    [InlineData("{{ {'a': 1 }")]
    [InlineData("{{ ( }}")]
    [InlineData("{{ } }}")]
    [InlineData("{% set ns = namespace(r=1) %}{{ ns.r }}")]
    [InlineData("{% for p in value %}{{ p }}{% endfor %}")]
    public void Broken_or_unsupported_literals_do_not_parse(string template)
    {
        Assert.False(Template.TryParse(template, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void The_parser_refuses_deep_nesting_instead_of_overflowing_the_stack()
    {
        foreach (var template in new[]
        {
            "{{ " + new string('(', 100_000) + "1" + new string(')', 100_000) + " }}",
            "{{ " + new string('[', 100_000) + " }}",
            "{{ " + string.Concat(Enumerable.Repeat("not ", 100_000)) + "1 }}",
            "{{ " + new string('-', 100_000) + "1 }}",
            "{{ 1" + string.Concat(Enumerable.Repeat(" + 1", 100_000)) + " }}",
            string.Concat(Enumerable.Repeat("{% if 1 %}", 10_000)),
        })
        {
            Assert.Throws<TemplateSyntaxException>(() => Template.Parse(template));
        }
    }

    [Fact]
    public void Random_text_only_ever_fails_with_a_syntax_error_and_renders_never_throw()
    {
        // Deterministic fuzzing: fragments of the grammar glued together at random.
        string[] fragments =
        [
            "{{", "}}", "{%", "%}", "{#", "#}", "{", "}", "[", "]", "(", ")", ":", ",", ".", "|", "-", "+", "*", "/", "//", "%", "**", "~", "=", "==",
            "'", "\"", "'s'", "1", "1.5", "1e5", "value", "value_json", "x", "if", "else", "elif", "endif", "set", "in", "not", "and", "or", "is",
            "defined", "none", "int", "float", "round", "default", "None", "True", "tojson", "from_json", "get", "a", " ", "-}}", "{{-",
        ];
        var random = new Random(1234);
        for (var n = 0; n < 20_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 16)).Select(_ => fragments[random.Next(fragments.Length)]));
            Template? template = null;
            try
            {
                template = Template.Parse(text);
            }
            catch (TemplateSyntaxException)
            {
            }

            if (template is not null)
            {
                _ = template.RenderValue("""{"a":[1,{"b":null}],"x":"1"}""");
                _ = template.RenderValue("online");
                _ = template.RenderCommand(2L);
            }
        }
    }
}
