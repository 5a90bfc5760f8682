using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant.Tests.Templates;

public sealed class TemplateEvaluatorTests
{
    [Theory]
    [InlineData("{{ value }}", "ON", "ON")]
    [InlineData("{{ value_json.temperature }}", """{"temperature":21.5}""", "21.5")]
    [InlineData("{{ value_json.temperature }}", """{"temperature":21}""", "21")]
    [InlineData("{{ value_json.temperature }}", """{"temperature":21.0}""", "21.0")]
    [InlineData("{{ value_json.a.b }}", """{"a":{"b":"deep"}}""", "deep")]
    [InlineData("{{ value_json['k'] }}", """{"k":"v"}""", "v")]
    [InlineData("{{ value_json[\"with space\"] }}", """{"with space":1}""", "1")]
    [InlineData("{{ value_json[0] }}", """[7,8,9]""", "7")]
    [InlineData("{{ value_json[-1] }}", """[7,8,9]""", "9")]
    [InlineData("{{ value_json.list[1].name }}", """{"list":[{"name":"a"},{"name":"b"}]}""", "b")]
    [InlineData("{{ value_json.list.0 }}", """{"list":["x","y"]}""", "x")]
    [InlineData("{{value_json.POWER}}", """{"Time":"2024-01-01T00:00:00","POWER":"ON"}""", "ON")]
    [InlineData("{{ value | float }}", "21", "21.0")]
    [InlineData("{{ value | int }}", "21.7", "21")]
    [InlineData("{{ value | int }}", "-3", "-3")]
    [InlineData("{{ value_json.t | float | round(1) }}", """{"t":"21.56"}""", "21.6")]
    [InlineData("{{ value_json.t | round }}", """{"t":21.56}""", "22")]
    [InlineData("{{ value_json.t | round(0) }}", """{"t":2.5}""", "2")]
    [InlineData("{{ (value | float) / 10 }}", "215", "21.5")]
    [InlineData("{{ value | float * 10 }}", "2.15", "21.5")]
    [InlineData("{{ value_json.missing | default('x') }}", """{"a":1}""", "x")]
    [InlineData("{{ value_json.missing | default(5) }}", """{"a":1}""", "5")]
    [InlineData("{{ value_json.a | default(5) }}", """{"a":1}""", "1")]
    [InlineData("{{ value | lower }}", "ONLINE", "online")]
    [InlineData("{{ value | upper }}", "on", "ON")]
    [InlineData("{{ value_json.x | string }}", """{"x":true}""", "True")]
    [InlineData("{{ value_json.x is defined }}", """{"x":1}""", "True")]
    [InlineData("{{ value_json.y is defined }}", """{"x":1}""", "False")]
    [InlineData("{{ value_json.y is not defined }}", """{"x":1}""", "True")]
    [InlineData("{{ value_json.a.b.c is defined }}", """{"x":1}""", "False")]
    [InlineData("{{ 'ON' if value_json.state == 'open' else 'OFF' }}", """{"state":"open"}""", "ON")]
    [InlineData("{{ 'ON' if value_json.state == 'open' else 'OFF' }}", """{"state":"closed"}""", "OFF")]
    [InlineData("{{ 'on' if value_json.v != 0 else 'off' }}", """{"v":0}""", "off")]
    [InlineData("{{ 'online' if value_json.data.ok else 'offline' }}", """{"id":"a","type":"health.status","ts":1.5,"source":"s","data":{"ok":true,"event":"ready"}}""", "online")]
    [InlineData("{{ 'online' if value_json.data.ok else 'offline' }}", """{"data":{"ok":false,"event":"lost"}}""", "offline")]
    [InlineData("{{ True }}", "x", "True")]
    [InlineData("{{ False }}", "x", "False")]
    [InlineData("{{ None }}", "x", "None")]
    [InlineData("{{ value_json.n }}", """{"n":null}""", "None")]
    [InlineData("{{ value_json.b }}", """{"b":false}""", "False")]
    [InlineData("{{ 1.5e3 }}", "x", "1500.0")]
    [InlineData("{{ 10 / 4 }}", "x", "2.5")]
    [InlineData("{{ 10 // 4 }}", "x", "2")]
    [InlineData("{{ -7 // 2 }}", "x", "-4")]
    [InlineData("{{ -7 % 3 }}", "x", "2")]
    [InlineData("{{ 2 ** 10 }}", "x", "1024")]
    [InlineData("{{ 'a' ~ 1 ~ True }}", "x", "a1True")]
    [InlineData("{{ value_json.c }}", """{"c":{"x":0.46,"y":0.41}}""", "{'x': 0.46, 'y': 0.41}")]
    [InlineData("{{ value_json.l }}", """{"l":[1,"a",null]}""", "[1, 'a', None]")]
    [InlineData("{{ value.split(',')[1] }}", "10,20,30", "20")]
    [InlineData("{{ value[0:2] }}", "abcdef", "ab")]
    [InlineData("{{ value[2:4] | int(0, 16) }}", "00ff00", "255")]
    [InlineData("{{ '#%02x%02x%02x' | format(255, 128, 0) }}", "x", "#ff8000")]
    [InlineData("{{ '%.1f' % 21.56 }}", "x", "21.6")]
    [InlineData("{{ value_json.state in ['on', 'ON'] }}", """{"state":"ON"}""", "True")]
    [InlineData("{{ 'b' in value }}", "abc", "True")]
    [InlineData("{{ value_json.a and value_json.b }}", """{"a":1,"b":2}""", "2")]
    [InlineData("{{ value_json.a or 'fallback' }}", """{"a":0}""", "fallback")]
    [InlineData("{{ not value_json.a }}", """{"a":0}""", "True")]
    [InlineData("{{ 1 < 2 < 3 }}", "x", "True")]
    [InlineData("{{ value_json.get('a', 'z') }}", """{"b":1}""", "z")]
    [InlineData("{{ value | float(0) }}", "not a number", "0")]
    [InlineData("{{ value | int(-1) }}", "oops", "-1")]
    [InlineData("{{ value | bool }}", "on", "True")]
    [InlineData("{{ value_json | tojson }}", """{"a": 1, "b": [true, 2.0]}""", """{"a":1,"b":[true,2.0]}""")]
    [InlineData("{{ value_json.s | length }}", """{"s":"four"}""", "4")]
    [InlineData("{% if value == '1' %}ON{% else %}OFF{% endif %}", "1", "ON")]
    [InlineData("{% if value == '1' %}ON{% elif value == '2' %}HALF{% else %}OFF{% endif %}", "2", "HALF")]
    [InlineData("{%- if value_json.on -%} ON {%- else -%} OFF {%- endif -%}", """{"on":false}""", "OFF")]
    [InlineData("  {{- value -}}  ", "x", "x")]
    [InlineData("{# comment #}{{ value }}", "x", "x")]
    [InlineData("{% set t = value_json.t | float %}{{ t * 2 }}", """{"t":1.25}""", "2.5")]
    [InlineData("prefix {{ value }} suffix", "x", "prefix x suffix")]
    [InlineData("{{ value_json }}", "21.5", "21.5")]
    [InlineData("{{ value_json }}", "21", "21")]
    [InlineData("{{ 0.1 + 0.2 }}", "x", "0.30000000000000004")]
    [InlineData("{{ 1e16 }}", "x", "1e+16")]
    [InlineData("{{ 0.00001 }}", "x", "1e-05")]
    [InlineData("{{ 0.0001 }}", "x", "0.0001")]
    [InlineData("{{ 123456789012345.0 }}", "x", "123456789012345.0")]
    [InlineData("{{ \"it's\" }}", "x", "it's")]
    [InlineData("{{ [\"it's\"] }}", "x", "[\"it's\"]")]
    [InlineData("{{ iif(value == 'a', 'yes', 'no') }}", "a", "yes")]
    [InlineData("{{ value_json.v | is_number }}", """{"v":"12.5"}""", "True")]
    public void Renders_like_home_assistant(string template, string payload, string expected)
    {
        var result = Template.Parse(template).RenderValue(payload);

        Assert.Equal(TemplateOutcome.Value, result.Outcome);
        Assert.Equal(expected, result.Text);
    }

    [Theory]
    [InlineData("{{ value_json.temperature }}", """{"humidity":40}""")]
    [InlineData("{{ value_json.a.b }}", """{"x":1}""")]
    [InlineData("{{ value_json[3] }}", """[1]""")]
    [InlineData("{{ value_json.temperature }}", "not json")]
    [InlineData("{{ value_json.t | float }}", """{"x":1}""")]
    [InlineData("{{ value_json.t | float | round(1) }}", """{"x":1}""")]
    [InlineData("{{ value_json.t * 10 }}", """{"x":1}""")]
    [InlineData("{{ value_json.s | lower }}", """{"x":1}""")]
    [InlineData("{{ 'on' if value_json.x }}", """{"x":0}""")]
    [InlineData("{{ value_json.state if value_json.state is defined }}", """{"x":0}""")]
    public void A_missing_key_means_no_value(string template, string payload)
    {
        var result = Template.Parse(template).RenderValue(payload);

        Assert.Equal(TemplateOutcome.Undefined, result.Outcome);
        Assert.Null(result.Text);
    }

    [Theory]
    [InlineData("{{ value | float }}", "abc", "float got invalid input 'abc' but no default was specified")]
    [InlineData("{{ value | int }}", "abc", "int got invalid input 'abc' but no default was specified")]
    [InlineData("{{ value | bool }}", "maybe", "bool got invalid input 'maybe' but no default was specified")]
    [InlineData("{{ value_json.a + 'x' }}", """{"a":1}""", "unsupported operand type(s) for +: 'int' and 'str'")]
    [InlineData("{{ 1 / 0 }}", "x", "division by zero")]
    [InlineData("{{ value_json.a < 'x' }}", """{"a":1}""", "'<' not supported between instances of 'int' and 'str'")]
    public void Bad_input_is_an_error_not_an_exception(string template, string payload, string detail)
    {
        var result = Template.Parse(template).RenderValue(payload);

        Assert.Equal(TemplateOutcome.Error, result.Outcome);
        Assert.Equal(detail, result.Detail);
    }

    [Theory]
    [InlineData("{{ value_json.temperature ")]
    [InlineData("{{ value | nosuchfilter }}")]
    [InlineData("{{ states('sensor.x') }}")]
    [InlineData("{{ value is frobnicated }}")]
    [InlineData("{% for x in value %}{{ x }}{% endfor %}")]
    [InlineData("{% if value %}open")]
    [InlineData("{{ 'unterminated }}")]
    [InlineData("{{ value_json[ }}")]
    [InlineData("{{ }}")]
    [InlineData("{{ 1 2 }}")]
    public void Text_outside_the_subset_does_not_parse(string template)
    {
        Assert.False(Template.TryParse(template, out var compiled, out var error));
        Assert.Null(compiled);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Command_templates_render_value_and_variables_leniently()
    {
        var template = Template.Parse("""{"state": "{{ value }}", "brightness": {{ brightness }}{% if transition is defined %}, "transition": {{ transition }}{% endif %}}""");

        var result = template.RenderCommand("on", new Dictionary<string, object?> { ["brightness"] = 128L });

        Assert.Equal("""{"state": "on", "brightness": 128}""", result.Text);
    }

    [Fact]
    public void Command_templates_render_undefined_as_empty()
    {
        var result = Template.Parse("[{{ missing }}]").RenderCommand(1L);

        Assert.Equal(TemplateOutcome.Value, result.Outcome);
        Assert.Equal("[]", result.Text);
    }

    [Fact]
    public void A_template_without_expressions_renders_its_text()
    {
        Assert.Equal("plain", Template.Parse("plain").RenderValue("x").Text);
    }

    [Theory]
    [InlineData(21.0, "21.0")]
    [InlineData(0.5, "0.5")]
    [InlineData(-2.25, "-2.25")]
    [InlineData(1e22, "1e+22")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(1234567890123456.0, "1234567890123456.0")]
    [InlineData(100.0, "100.0")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    public void Floats_format_like_python_repr(double value, string expected)
    {
        Assert.Equal(expected, PythonText.FormatFloat(value));
    }
}
