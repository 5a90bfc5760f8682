using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant.Tests.Templates;

/// <summary>
/// Readable forms of the inputs the template fuzz target found (their raw bytes are replayed from
/// bench/Switchboard.Fuzz/corpus/template/regressions by FuzzCorpusTests).
/// </summary>
public sealed class TemplateFuzzRegressionTests
{
    [Theory]
    [InlineData("{{ ߁ }}")]
    [InlineData("{{ 1߀ }}")]
    [InlineData("{{ value[0:߃] }}")]
    [InlineData("{{ ٣ }}")]
    public void A_non_ascii_digit_is_not_a_number_literal(string source)
    {
        // char.IsDigit accepts every Unicode decimal digit (N'Ko, Arabic-Indic…), which long/double parsing then
        // refused with a FormatException instead of the syntax error a template outside the subset gets.
        Assert.False(Template.TryParse(source, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Ascii_digits_next_to_non_ascii_ones_still_lex_as_a_number()
    {
        Assert.Equal("2", Template.Parse("{{ 1 + 1 }}").RenderValue("x").Text);
    }

    [Theory]
    [InlineData(42, "42")]
    [InlineData(-7, "-7")]
    public void Str_of_a_clr_int_is_its_digits(int value, string expected)
    {
        // Used to recurse Str -> Repr -> Str until the process died of a stack overflow.
        Assert.Equal(expected, PythonText.Str(value));
        Assert.Equal($"{expected}|[{expected}]", Template.Parse("{{ value }}|{{ [value] }}").RenderCommand(value).Text);
    }

    [Fact]
    public void Str_of_other_clr_numbers_follows_python()
    {
        Assert.Equal("1.5", PythonText.Str(1.5f));
        Assert.Equal("2.0", PythonText.Str(2m));
        Assert.Equal("255", PythonText.Str((byte)255));
        Assert.Equal("18446744073709551615", PythonText.Str(ulong.MaxValue));
        Assert.Equal("[1, 2.5]", PythonText.Repr(new List<object?> { 1, 2.5f }));
    }

    [Fact]
    public void Str_of_an_unknown_clr_object_is_its_text()
    {
        Assert.Equal("00000000-0000-0000-0000-000000000000", PythonText.Str(Guid.Empty));
    }

    [Theory]
    [InlineData("{{ 'ab' * 2000000000 }}")]
    [InlineData("{{ '%999999999999d' % 1 }}")]
    [InlineData("{{ '%.99999999f' % 1.5 }}")]
    [InlineData("{{ '%2000000s' % 'x' }}")]
    public void A_render_cannot_ask_for_gigabytes(string source)
    {
        // 'ab' * 2e9 and a 12-digit width used to allocate until OutOfMemoryException, which no caller may catch.
        var result = Template.Parse(source).RenderValue("x");
        Assert.Equal(TemplateOutcome.Error, result.Outcome);
    }

    [Fact]
    public void Reasonable_repetition_and_widths_still_render()
    {
        Assert.Equal("ababab", Template.Parse("{{ 'ab' * 3 }}").RenderValue("x").Text);
        Assert.Equal("00042", Template.Parse("{{ '%05d' % 42 }}").RenderValue("x").Text);
        Assert.Equal(1000, Template.Parse("{{ '%1000s' % 'x' }}").RenderCommand(null).Text!.Length);
    }
}
