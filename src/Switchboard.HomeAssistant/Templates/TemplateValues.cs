using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Switchboard.HomeAssistant.Templates;

/// <summary>
/// The value model of the evaluator and its Python semantics. A template value is one of: <c>null</c> (None),
/// <see cref="Undefined"/>, <see cref="bool"/>, <see cref="long"/> (int), <see cref="double"/> (float),
/// <see cref="string"/>, a <see cref="JsonElement"/> object or array (dict/list from <c>value_json</c>), or an
/// <see cref="IReadOnlyList{T}"/> (a list literal; an array is a tuple), or a <see cref="TemplateDict"/> (a dict literal).
/// </summary>
internal static class TemplateValues
{
    /// <summary>Converts a JSON value as Python's <c>json.loads</c> would: integers stay ints, other numbers are floats.</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => IsIntegerLiteral(element) && element.TryGetInt64(out var l) ? (object)l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Object or JsonValueKind.Array => element,
        _ => Undefined.Instance,
    };

    /// <summary>
    /// The last text parsed on this thread and what it gave. One message is read by every entity on its topic
    /// (Zigbee2MQTT: four or more value templates and as many attribute readers on one JSON state), one after another
    /// on the same thread: parsing it once serves them all. Keyed by reference: the same string object is the same
    /// payload. What is kept is immutable (a cloned <see cref="JsonElement"/>, a boxed primitive, a read-only dictionary).
    /// </summary>
    [ThreadStatic]
    private static ParsedText? t_lastParsed;

    /// <summary>Parses text as JSON; false when it is not JSON (then <c>value_json</c> is undefined).</summary>
    public static bool TryParseJson(string text, out object? value)
    {
        var parsed = Parse(text);
        value = parsed.Value;
        return parsed.IsJson;
    }

    /// <summary>The members of a JSON object text (an entity's attributes); null when the text is not a JSON object.
    /// Entities reading the same payload share one dictionary.</summary>
    public static IReadOnlyDictionary<string, JsonElement>? TryParseObjectMembers(string text)
    {
        var parsed = Parse(text);
        if (parsed.Value is not JsonElement { ValueKind: JsonValueKind.Object } root)
        {
            return null;
        }

        if (parsed.Members is null)
        {
            var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                // The root is a clone that owns its memory: its members need no copy of their own.
                members[property.Name] = property.Value;
            }

            parsed.Members = members;
        }

        return parsed.Members;
    }

    private static ParsedText Parse(string text)
    {
        if (t_lastParsed is { } last && ReferenceEquals(last.Text, text))
        {
            return last;
        }

        var parsed = new ParsedText(text);
        if (!text.AsSpan().Trim().IsEmpty)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                parsed.Value = FromJson(document.RootElement.Clone());
                parsed.IsJson = true;
            }
            catch (JsonException)
            {
            }
        }

        t_lastParsed = parsed;
        return parsed;
    }

    private sealed class ParsedText(string text)
    {
        public string Text { get; } = text;

        public bool IsJson { get; set; }

        public object? Value { get; set; }

        public IReadOnlyDictionary<string, JsonElement>? Members { get; set; }
    }

    /// <summary>Python truthiness.</summary>
    public static bool IsTruthy(object? value) => value switch
    {
        null => false,
        Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        JsonElement { ValueKind: JsonValueKind.Object } o => o.EnumerateObject().Any(),
        JsonElement { ValueKind: JsonValueKind.Array } a => a.GetArrayLength() > 0,
        IReadOnlyList<object?> list => list.Count > 0,
        TemplateDict dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>Python <c>==</c>: numbers compare by value across int/float/bool, everything else by kind and content.</summary>
    public static bool AreEqual(object? left, object? right)
    {
        if (left is Undefined || right is Undefined)
        {
            return left is Undefined && right is Undefined;
        }

        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        if (IsNumber(left) && IsNumber(right))
        {
            if (left is double || right is double)
            {
                return ToDouble(left) == ToDouble(right);
            }

            return ToLong(left) == ToLong(right);
        }

        if (left is string ls && right is string rs)
        {
            return string.Equals(ls, rs, StringComparison.Ordinal);
        }

        if (left is JsonElement lj && right is JsonElement rj)
        {
            return JsonElement.DeepEquals(lj, rj);
        }

        if (Mappings.IsMapping(left) && Mappings.IsMapping(right))
        {
            return Mappings.Count(left) == Mappings.Count(right)
                && Mappings.Entries(left).All(entry => Mappings.TryGet(right, entry.Key, out var other) && AreEqual(entry.Value, other));
        }

        if (left is object?[] != right is object?[])
        {
            return false; // a tuple never equals a list
        }

        if (IsSequence(left) && IsSequence(right))
        {
            var l = AsList(left);
            var r = AsList(right);
            return l.Count == r.Count && l.Zip(r).All(pair => AreEqual(pair.First, pair.Second));
        }

        return false;
    }

    /// <summary>Python ordering (<c>&lt;</c>, <c>&gt;</c> …): numbers with numbers, strings with strings.</summary>
    public static int Compare(object? left, object? right, string op)
    {
        if (IsNumber(left) && IsNumber(right))
        {
            return left is double || right is double
                ? ToDouble(left).CompareTo(ToDouble(right))
                : ToLong(left).CompareTo(ToLong(right));
        }

        if (left is string ls && right is string rs)
        {
            return string.CompareOrdinal(ls, rs);
        }

        throw new TemplateRuntimeException($"'{op}' not supported between instances of '{TypeName(left)}' and '{TypeName(right)}'");
    }

    /// <summary>True for int, float and bool (a Python bool is an int).</summary>
    public static bool IsNumber(object? value) => value is long or double or bool;

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new TemplateRuntimeException($"expected a number, got '{TypeName(value)}'"),
    };

    public static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => (long)d,
        _ => throw new TemplateRuntimeException($"expected an integer, got '{TypeName(value)}'"),
    };

    public static bool IsSequence(object? value) =>
        value is IReadOnlyList<object?> or JsonElement { ValueKind: JsonValueKind.Array };

    public static IReadOnlyList<object?> AsList(object? value) => value switch
    {
        IReadOnlyList<object?> list => list,
        JsonElement { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Select(FromJson)],
        JsonElement { ValueKind: JsonValueKind.Object } obj => [.. obj.EnumerateObject().Select(p => (object?)p.Name)],
        TemplateDict dict => [.. dict.Entries.Select(e => e.Key)],
        string s => [.. s.Select(c => (object?)c.ToString())],
        _ => throw new TemplateRuntimeException($"'{TypeName(value)}' object is not iterable"),
    };

    /// <summary>Python's type name, for error messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        Undefined => "Undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        JsonElement { ValueKind: JsonValueKind.Object } or TemplateDict => "dict",
        object?[] => "tuple",
        JsonElement { ValueKind: JsonValueKind.Array } or IReadOnlyList<object?> => "list",
        _ => value.GetType().Name,
    };

    /// <summary>Python <c>float(x)</c> on text: surrounding whitespace, <c>inf</c>, <c>nan</c>, exponents, underscores between digits.</summary>
    public static bool TryParsePythonFloat(string text, out double result)
    {
        var s = text.Trim();
        switch (s.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity":
                result = double.PositiveInfinity;
                return true;
            case "-inf" or "-infinity":
                result = double.NegativeInfinity;
                return true;
            case "nan" or "+nan" or "-nan":
                result = double.NaN;
                return true;
        }

        if (s.Contains('_', StringComparison.Ordinal))
        {
            s = s.Replace("_", string.Empty, StringComparison.Ordinal);
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out result);
    }

    /// <summary>Python <c>int(text, base)</c>.</summary>
    public static bool TryParsePythonInt(string text, int numberBase, out long result)
    {
        var s = text.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        result = 0;
        if (s.Length == 0)
        {
            return false;
        }

        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (numberBase == 16 && s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            s = s[2..];
        }
        else if (numberBase == 8 && s.StartsWith("0o", StringComparison.OrdinalIgnoreCase))
        {
            s = s[2..];
        }
        else if (numberBase == 2 && s.StartsWith("0b", StringComparison.OrdinalIgnoreCase))
        {
            s = s[2..];
        }

        if (s.Length == 0)
        {
            return false;
        }

        long value = 0;
        foreach (var c in s)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= numberBase)
            {
                return false;
            }

            value = checked((value * numberBase) + digit);
        }

        result = negative ? -value : value;
        return true;
    }

    /// <summary>Writes a value as compact JSON, numbers formatted like Python (<c>21.0</c> stays a float).</summary>
    public static string ToJson(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteJson(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void WriteJson(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null or Undefined:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case double d when double.IsFinite(d):
                writer.WriteRawValue(PythonText.FormatFloat(d));
                break;
            case double:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case TemplateDict dict:
                writer.WriteStartObject();
                foreach (var (key, item) in dict.Entries)
                {
                    writer.WritePropertyName(JsonKey(key));
                    WriteJson(writer, item);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, item);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteStringValue(PythonText.Str(value));
                break;
        }
    }

    /// <summary>The text <c>json.dumps</c> makes of a non-string key: <c>0</c>, <c>true</c>, <c>null</c>, <c>1.5</c>.</summary>
    private static string JsonKey(object? key) => key switch
    {
        string s => s,
        null => "null",
        bool b => b ? "true" : "false",
        double d => PythonText.FormatFloat(d),
        _ => PythonText.Str(key),
    };

    private static bool IsIntegerLiteral(JsonElement number)
    {
        var raw = number.GetRawText();
        return raw.IndexOfAny(['.', 'e', 'E']) < 0;
    }
}
