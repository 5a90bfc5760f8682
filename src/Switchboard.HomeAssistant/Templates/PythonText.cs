using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Switchboard.HomeAssistant.Templates;

/// <summary>
/// Turns template values into text the way Python does (<c>str()</c> and <c>repr()</c>), because Home Assistant
/// renders templates with Jinja on Python: <c>True</c>/<c>False</c>/<c>None</c>, floats always with a fraction or an
/// exponent (<c>21.0</c>, <c>1e-05</c>, <c>1e+16</c>), dicts and lists in Python literal syntax.
/// </summary>
internal static class PythonText
{
    /// <summary>Python <c>str(value)</c>; an undefined value renders empty (Jinja's default).</summary>
    /// <remarks>
    /// Values that enter from .NET (a command's value, a caller's variables) need not be the long and double the
    /// engine itself produces: every integer and floating-point type prints as its Python counterpart, a scalar JSON
    /// element as its value, and anything else as its invariant text. Only containers go to <see cref="Repr"/>, whose
    /// fallback comes back here, so no value can bounce between the two until the stack overflows.
    /// </remarks>
    public static string Str(object? value) => value switch
    {
        null => "None",
        string s => s,
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatFloat(d),
        Undefined => string.Empty,
        int or uint or short or ushort or byte or sbyte or ulong or Int128 or UInt128 or System.Numerics.BigInteger
            => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        float f => FormatFloat(f),
        decimal m => FormatFloat((double)m),
        Half h => FormatFloat((double)h),
        JsonElement { ValueKind: not (JsonValueKind.Object or JsonValueKind.Array) } element => Str(TemplateValues.FromJson(element)),
        JsonElement or TemplateDict or object?[] or IReadOnlyList<object?> => Repr(value),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    /// <summary>Python <c>repr(value)</c>: strings quoted, containers in literal syntax.</summary>
    public static string Repr(object? value)
    {
        var builder = new StringBuilder();
        AppendRepr(builder, value);
        return builder.ToString();
    }

    /// <summary>Python's shortest round-trip float formatting (<c>repr(float)</c>).</summary>
    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        // .NET's "R" is the shortest string that round-trips; re-lay its digits out with Python's rules.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text[0] == '-';
        if (negative)
        {
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? string.Empty : text[(dot + 1)..];
        var digits = integerPart + fraction;
        var point = integerPart.Length + exponent; // value = 0.digits × 10^point once leading zeros are gone
        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }

        digits = digits[leading..].TrimEnd('0');
        point -= leading;
        if (digits.Length == 0)
        {
            return negative ? "-0.0" : "0.0";
        }

        var scientific = point - 1;
        var result = new StringBuilder();
        if (negative)
        {
            result.Append('-');
        }

        if (scientific is >= -4 and < 16)
        {
            if (point <= 0)
            {
                result.Append("0.").Append('0', -point).Append(digits);
            }
            else if (point >= digits.Length)
            {
                result.Append(digits).Append('0', point - digits.Length).Append(".0");
            }
            else
            {
                result.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
            }
        }
        else
        {
            result.Append(digits[0]);
            if (digits.Length > 1)
            {
                result.Append('.').Append(digits, 1, digits.Length - 1);
            }

            result.Append('e').Append(scientific < 0 ? '-' : '+')
                .Append(Math.Abs(scientific).ToString("00", CultureInfo.InvariantCulture));
        }

        return result.ToString();
    }

    /// <summary>Python's <c>repr(str)</c>: single quotes unless the text has a single quote and no double quote.</summary>
    public static string QuoteString(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder(value.Length + 2).Append(quote);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (c == quote)
                    {
                        builder.Append('\\');
                    }

                    builder.Append(c);
                    break;
            }
        }

        return builder.Append(quote).ToString();
    }

    private static void AppendRepr(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case string s:
                builder.Append(QuoteString(s));
                break;
            case JsonElement { ValueKind: JsonValueKind.Object } obj:
                builder.Append('{');
                var first = true;
                foreach (var property in obj.EnumerateObject())
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    builder.Append(QuoteString(property.Name)).Append(": ");
                    AppendRepr(builder, TemplateValues.FromJson(property.Value));
                }

                builder.Append('}');
                break;
            case JsonElement { ValueKind: JsonValueKind.Array } array:
                builder.Append('[');
                var index = 0;
                foreach (var item in array.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        builder.Append(", ");
                    }

                    AppendRepr(builder, TemplateValues.FromJson(item));
                }

                builder.Append(']');
                break;
            case TemplateDict dict:
                builder.Append('{');
                for (var i = 0; i < dict.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    AppendRepr(builder, dict.Entries[i].Key);
                    builder.Append(": ");
                    AppendRepr(builder, dict.Entries[i].Value);
                }

                builder.Append('}');
                break;
            case object?[] tuple:
                builder.Append('(');
                for (var i = 0; i < tuple.Length; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    AppendRepr(builder, tuple[i]);
                }

                builder.Append(tuple.Length == 1 ? ",)" : ")");
                break;
            case IReadOnlyList<object?> list:
                builder.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }

                    AppendRepr(builder, list[i]);
                }

                builder.Append(']');
                break;
            case Undefined:
                builder.Append("Undefined");
                break;
            default:
                builder.Append(Str(value));
                break;
        }
    }
}
