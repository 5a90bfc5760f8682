using System.Globalization;
using System.Text;
using Switchboard.HomeAssistant.Templates;

namespace Switchboard.Fuzz.Targets;

/// <summary>
/// The template engine: parse, then render as a value template (<c>value</c> and <c>value_json</c> from the payload)
/// and as a command template (<c>value</c> the payload text, and its number, as several CLR types, when it is one).
/// </summary>
/// <remarks>
/// Input: the first line is the template, everything after the first <c>\n</c> is the payload. The documented answers
/// to bad input are <see cref="TemplateSyntaxException"/> from parsing and a failed or undefined
/// <see cref="TemplateResult"/> from rendering. Rendering turns every exception into a failed result, so the
/// <see cref="HiddenBugWatch"/> is what notices a NullReferenceException or an IndexOutOfRangeException inside.
/// </remarks>
internal static class TemplateTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        var newline = input.IndexOf((byte)'\n');
        var source = Encoding.UTF8.GetString(newline < 0 ? input : input[..newline]);
        var payload = newline < 0 ? string.Empty : Encoding.UTF8.GetString(input[(newline + 1)..]);
        using var watch = HiddenBugWatch.Arm();
        Template template;
        try
        {
            template = Template.Parse(source);
        }
        catch (TemplateSyntaxException)
        {
            return;
        }

        Check(template.RenderValue(payload));
        Check(template.RenderCommand(payload));
        if (long.TryParse(payload, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
        {
            Check(template.RenderCommand(integer));

            // Callers hand in CLR values of other types too (an int brightness, a float); str() of an int once
            // recursed until the stack overflowed.
            if (integer is >= int.MinValue and <= int.MaxValue)
            {
                Check(template.RenderCommand((int)integer));
            }
        }

        if (double.TryParse(payload, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            Check(template.RenderCommand(number));
            Check(template.RenderCommand((float)number));
            if (double.IsFinite(number))
            {
                Check(template.RenderCommand((decimal)Math.Clamp(number, -1e20, 1e20)));
            }
        }
    }

    /// <summary>A result is text, or no text with a reason.</summary>
    private static void Check(TemplateResult result)
    {
        if (result.HasValue != (result.Text is not null))
        {
            throw new FuzzFindingException($"A {result.Outcome} result has text '{result.Text}'.");
        }
    }
}
