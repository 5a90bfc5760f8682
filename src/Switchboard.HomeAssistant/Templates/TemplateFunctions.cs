using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Switchboard.HomeAssistant.Templates;

internal delegate object? TemplateFunction(List<object?> positional, Dictionary<string, object?> named);

internal delegate object? TemplateFilter(object? value, FilterArguments arguments);

internal delegate bool TemplateTest(object? value, List<object?> arguments);

/// <summary>A method looked up on a value and not yet called: <c>value.split</c> in <c>value.split(',')</c>.</summary>
internal sealed record BoundMethod(object Target, string Name);

internal readonly record struct FilterArguments(string Filter, List<object?> Positional, Dictionary<string, object?> Named)
{
    /// <summary>The argument at <paramref name="index"/>, or the keyword argument <paramref name="name"/>.</summary>
    public bool TryGet(int index, string name, out object? value)
    {
        if (Named.TryGetValue(name, out value))
        {
            return true;
        }

        if (index < Positional.Count)
        {
            value = Positional[index];
            return true;
        }

        value = null;
        return false;
    }

    public object? Get(int index, string name, object? fallback) => TryGet(index, name, out var value) ? value : fallback;
}

/// <summary>
/// The filters, tests, global functions, methods and operators of the supported subset. Home Assistant's own
/// semantics where they differ from plain Jinja: <c>float</c>/<c>int</c>/<c>bool</c> fail without a default instead of
/// returning 0, <c>round</c> with precision 0 returns an int. One rule for missing data: an undefined input propagates
/// (so a value template yields "no update") unless the filter was given a default.
/// </summary>
internal static class TemplateFunctions
{
    /// <summary>
    /// The longest string a repetition (<c>'ab' * n</c>) or a format width or precision may ask for. The template
    /// comes from a discovery message, so without a bound one message could make a render allocate gigabytes (or
    /// fail with an OutOfMemoryException that nothing may catch); a million characters is far above any state or
    /// command payload.
    /// </summary>
    private const int MaxGeneratedLength = 1_000_000;

    private static readonly HashSet<string> StringMethods = new(StringComparer.Ordinal)
    {
        "lower", "upper", "strip", "lstrip", "rstrip", "split", "replace", "startswith", "endswith", "title", "capitalize", "isdigit",
    };

    private static readonly HashSet<string> DictMethods = new(StringComparer.Ordinal) { "get", "keys", "values", "items" };

    public static IReadOnlyDictionary<string, TemplateFilter> Filters { get; } = new Dictionary<string, TemplateFilter>(StringComparer.Ordinal)
    {
        ["float"] = FloatFilter,
        ["int"] = IntFilter,
        ["round"] = RoundFilter,
        ["default"] = DefaultFilter,
        ["d"] = DefaultFilter,
        ["lower"] = (v, _) => v is Undefined ? v : PythonText.Str(v).ToLowerInvariant(),
        ["upper"] = (v, _) => v is Undefined ? v : PythonText.Str(v).ToUpperInvariant(),
        ["string"] = (v, _) => v is Undefined ? v : PythonText.Str(v),
        ["trim"] = (v, _) => v is Undefined ? v : PythonText.Str(v).Trim(),
        ["title"] = (v, _) => v is Undefined ? v : Title(PythonText.Str(v)),
        ["capitalize"] = (v, _) => v is Undefined ? v : Capitalize(PythonText.Str(v)),
        ["abs"] = (v, _) => v switch
        {
            Undefined => v,
            long l => (object)Math.Abs(l),
            double d => Math.Abs(d),
            bool b => b ? 1L : 0L,
            _ => throw new TemplateRuntimeException($"bad operand type for abs(): '{TemplateValues.TypeName(v)}'"),
        },
        ["length"] = LengthFilter,
        ["count"] = LengthFilter,
        ["bool"] = BoolFilter,
        ["replace"] = (v, a) => v is Undefined ? v : PythonText.Str(v).Replace(PythonText.Str(a.Get(0, "old", string.Empty)), PythonText.Str(a.Get(1, "new", string.Empty)), StringComparison.Ordinal),
        ["tojson"] = (v, _) => v is Undefined ? v : TemplateValues.ToJson(v),
        ["to_json"] = (v, _) => v is Undefined ? v : TemplateValues.ToJson(v),
        ["from_json"] = (v, a) => v is Undefined ? v
            : TemplateValues.TryParseJson(PythonText.Str(v), out var parsed) ? parsed
            : a.TryGet(0, "default", out var fallback) ? fallback
            : throw new TemplateRuntimeException($"from_json got invalid input '{PythonText.Str(v)}'"),
        ["join"] = (v, a) => v is Undefined ? v : string.Join(PythonText.Str(a.Get(0, "d", string.Empty)), TemplateValues.AsList(v).Select(PythonText.Str)),
        ["first"] = (v, _) => v is Undefined ? v : TemplateValues.AsList(v) is { Count: > 0 } l ? l[0] : Undefined.Because("first of an empty sequence"),
        ["last"] = (v, _) => v is Undefined ? v : TemplateValues.AsList(v) is { Count: > 0 } l ? l[^1] : Undefined.Because("last of an empty sequence"),
        ["list"] = (v, _) => v is Undefined ? v : TemplateValues.AsList(v),
        ["min"] = (v, _) => v is Undefined ? v : TemplateValues.AsList(v).Aggregate((x, y) => TemplateValues.Compare(y, x, "<") < 0 ? y : x),
        ["max"] = (v, _) => v is Undefined ? v : TemplateValues.AsList(v).Aggregate((x, y) => TemplateValues.Compare(y, x, ">") > 0 ? y : x),
        ["multiply"] = (v, a) => v is Undefined ? v
            : TryFloat(v, out var d) ? d * TemplateValues.ToDouble(a.Get(0, "amount", 1L))
            : a.TryGet(1, "default", out var fallback) ? fallback
            : throw NoDefault("multiply", v),
        ["format"] = (v, a) => v is Undefined ? v : PercentFormat(PythonText.Str(v), a.Positional),
        ["is_defined"] = (v, _) => v,
        ["is_number"] = (v, _) => IsNumberLike(v),
        ["truncate"] = TruncateFilter,
        ["sum"] = (v, a) => v is Undefined ? v : TemplateValues.AsList(v).Aggregate(a.Get(1, "start", 0L), (x, y) => Binary("+", x, y)),
        ["reverse"] = (v, _) => v switch
        {
            Undefined => v,
            string s => new string([.. s.Reverse()]),
            _ => TemplateValues.AsList(v).Reverse().ToList(),
        },
        ["unique"] = (v, _) => v is Undefined ? v : TemplateValues.AsList(v).Aggregate(new List<object?>(), (seen, x) =>
        {
            if (!seen.Any(y => TemplateValues.AreEqual(x, y)))
            {
                seen.Add(x);
            }

            return seen;
        }),
        ["regex_match"] = (v, a) => v is Undefined ? v : Regexes.Match(PythonText.Str(v), a, anchored: true),
        ["regex_search"] = (v, a) => v is Undefined ? v : Regexes.Match(PythonText.Str(v), a, anchored: false),
        ["regex_replace"] = (v, a) => v is Undefined ? v : Regexes.Replace(PythonText.Str(v), a),
        ["regex_findall"] = (v, a) => v is Undefined ? v : Regexes.FindAll(PythonText.Str(v), a, ignoreCaseIndex: 1),
        ["regex_findall_index"] = (v, a) => v is Undefined ? v : Regexes.FindAllIndex(PythonText.Str(v), a),
    };

    public static IReadOnlyDictionary<string, TemplateTest> Tests { get; } = new Dictionary<string, TemplateTest>(StringComparer.Ordinal)
    {
        ["defined"] = (v, _) => v is not Undefined,
        ["undefined"] = (v, _) => v is Undefined,
        ["none"] = (v, _) => v is null,
        ["number"] = (v, _) => v is long or double,
        ["integer"] = (v, _) => v is long,
        ["float"] = (v, _) => v is double,
        ["string"] = (v, _) => v is string,
        ["boolean"] = (v, _) => v is bool,
        ["true"] = (v, _) => v is true,
        ["false"] = (v, _) => v is false,
        ["mapping"] = (v, _) => Mappings.IsMapping(v),
        ["sequence"] = (v, _) => v is string || TemplateValues.IsSequence(v),
        ["iterable"] = (v, _) => v is string || TemplateValues.IsSequence(v) || Mappings.IsMapping(v),
        ["odd"] = (v, _) => v is long l && l % 2 != 0,
        ["even"] = (v, _) => v is long l && l % 2 == 0,
        ["in"] = (v, a) => a.Count > 0 && Compare("in", v, a[0]) is true,
        ["eq"] = (v, a) => a.Count > 0 && TemplateValues.AreEqual(v, a[0]),
        ["ne"] = (v, a) => a.Count > 0 && !TemplateValues.AreEqual(v, a[0]),
    };

    public static IReadOnlyDictionary<string, TemplateFunction> Globals { get; } = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal)
    {
        ["float"] = (p, n) => FloatFilter(p.Count > 0 ? p[0] : Undefined.Instance, new FilterArguments("float", [.. p.Skip(1)], n)),
        ["int"] = (p, n) => IntFilter(p.Count > 0 ? p[0] : Undefined.Instance, new FilterArguments("int", [.. p.Skip(1)], n)),
        ["bool"] = (p, n) => BoolFilter(p.Count > 0 ? p[0] : Undefined.Instance, new FilterArguments("bool", [.. p.Skip(1)], n)),
        ["is_number"] = (p, _) => p.Count > 0 && IsNumberLike(p[0]),
        ["iif"] = (p, _) => p.Count == 0 ? Undefined.Instance
            : TemplateValues.IsTruthy(p[0]) ? (p.Count > 1 ? p[1] : true)
            : p.Count > 3 && p[0] is null ? p[3]
            : p.Count > 2 ? p[2] : false,
        ["min"] = (p, _) => (p.Count == 1 ? TemplateValues.AsList(p[0]) : p).Aggregate((x, y) => TemplateValues.Compare(y, x, "<") < 0 ? y : x),
        ["max"] = (p, _) => (p.Count == 1 ? TemplateValues.AsList(p[0]) : p).Aggregate((x, y) => TemplateValues.Compare(y, x, ">") > 0 ? y : x),
    };

    public static object? GetAttribute(object? target, string name) => target switch
    {
        Undefined => target,
        JsonElement { ValueKind: JsonValueKind.Object } obj when obj.TryGetProperty(name, out var property) => TemplateValues.FromJson(property),
        JsonElement { ValueKind: JsonValueKind.Object } obj when DictMethods.Contains(name) => new BoundMethod(obj, name),
        TemplateDict dict when dict.TryGetValue(name, out var entry) => entry,
        TemplateDict dict when DictMethods.Contains(name) => new BoundMethod(dict, name),
        string s when StringMethods.Contains(name) => new BoundMethod(s, name),
        _ => Undefined.Because($"'{TemplateValues.TypeName(target)}' has no attribute '{name}'"),
    };

    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case Undefined:
                return target;
            case JsonElement { ValueKind: JsonValueKind.Object } obj when key is string name:
                return obj.TryGetProperty(name, out var property) ? TemplateValues.FromJson(property) : Undefined.Because($"'dict' has no key '{name}'");
            case TemplateDict dict:
                return dict.TryGetValue(key, out var entry) ? entry : Undefined.Because($"'dict' has no key {PythonText.Repr(key)}");
            case JsonElement { ValueKind: JsonValueKind.Array } array when key is long or bool:
                var length = array.GetArrayLength();
                var index = NormalizeIndex(TemplateValues.ToLong(key), length);
                return index is { } i ? TemplateValues.FromJson(array[i]) : Undefined.Because($"list index {PythonText.Str(key)} out of range");
            case IReadOnlyList<object?> list when key is long or bool:
                var at = NormalizeIndex(TemplateValues.ToLong(key), list.Count);
                return at is { } j ? list[j] : Undefined.Because($"list index {PythonText.Str(key)} out of range");
            case string s when key is long or bool:
                var position = NormalizeIndex(TemplateValues.ToLong(key), s.Length);
                return position is { } k ? s[k].ToString() : Undefined.Because($"string index {PythonText.Str(key)} out of range");
            case string or JsonElement when key is Undefined:
                return key;
            default:
                return Undefined.Because($"'{TemplateValues.TypeName(target)}' has no item {PythonText.Repr(key)}");
        }
    }

    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        if (target is Undefined)
        {
            return target;
        }

        var items = target is string s ? null : TemplateValues.AsList(target);
        var length = target is string text ? text.Length : items!.Count;
        var stride = step is null ? 1 : TemplateValues.ToLong(step);
        if (stride == 0)
        {
            throw new TemplateRuntimeException("slice step cannot be zero");
        }

        var indices = new List<int>();
        long from = start is null ? (stride > 0 ? 0 : length - 1) : ClampSlice(TemplateValues.ToLong(start), length, stride);
        long to = stop is null ? (stride > 0 ? length : -1) : ClampSlice(TemplateValues.ToLong(stop), length, stride);
        for (var i = from; stride > 0 ? i < to : i > to; i += stride)
        {
            indices.Add((int)i);
        }

        if (target is string str)
        {
            return string.Concat(indices.Select(i => str[i]));
        }

        return indices.Select(i => items![i]).ToList();
    }

    public static object? CallMethod(BoundMethod method, List<object?> positional, Dictionary<string, object?> named)
    {
        object? Arg(int index) => index < positional.Count ? positional[index] : null;
        if (method.Target is string s)
        {
            return method.Name switch
            {
                "lower" => s.ToLowerInvariant(),
                "upper" => s.ToUpperInvariant(),
                "strip" => Arg(0) is string chars ? s.Trim(chars.ToCharArray()) : s.Trim(),
                "lstrip" => Arg(0) is string chars ? s.TrimStart(chars.ToCharArray()) : s.TrimStart(),
                "rstrip" => Arg(0) is string chars ? s.TrimEnd(chars.ToCharArray()) : s.TrimEnd(),
                "split" => Split(s, Arg(0) as string, Arg(1) is { } max ? (int)TemplateValues.ToLong(max) : -1),
                "replace" => s.Replace(PythonText.Str(Arg(0)), PythonText.Str(Arg(1)), StringComparison.Ordinal),
                "startswith" => s.StartsWith(PythonText.Str(Arg(0)), StringComparison.Ordinal),
                "endswith" => s.EndsWith(PythonText.Str(Arg(0)), StringComparison.Ordinal),
                "title" => Title(s),
                "capitalize" => Capitalize(s),
                "isdigit" => s.Length > 0 && s.All(char.IsDigit),
                _ => Undefined.Instance,
            };
        }

        var mapping = method.Target;
        return method.Name switch
        {
            "get" => Mappings.TryGet(mapping, Arg(0), out var value) ? value : Arg(1),
            "keys" => Mappings.Entries(mapping).Select(e => e.Key).ToList(),
            "values" => Mappings.Entries(mapping).Select(e => e.Value).ToList(),
            "items" => Mappings.Entries(mapping).Select(e => (object?)new object?[] { e.Key, e.Value }).ToList(),
            _ => Undefined.Instance,
        };
    }

    public static object? Binary(string op, object? left, object? right)
    {
        if (left is Undefined)
        {
            return left;
        }

        if (right is Undefined)
        {
            return right;
        }

        switch (op)
        {
            case "~":
                return PythonText.Str(left) + PythonText.Str(right);
            case "+" when left is string ls && right is string rs:
                return ls + rs;
            case "+" when TemplateValues.IsSequence(left) && TemplateValues.IsSequence(right):
                return TemplateValues.AsList(left).Concat(TemplateValues.AsList(right)).ToList();
            case "*" when left is string text && right is long or bool:
                {
                    var count = Math.Max(0, TemplateValues.ToLong(right));
                    if (text.Length > 0 && count > MaxGeneratedLength / text.Length)
                    {
                        throw new TemplateRuntimeException($"repeating a {text.Length}-character string {count} times exceeds {MaxGeneratedLength} characters");
                    }

                    return string.Concat(Enumerable.Repeat(text, (int)count));
                }
            case "%" when left is string format:
                return PercentFormat(format, TemplateValues.IsSequence(right) ? [.. TemplateValues.AsList(right)] : [right]);
        }

        if (!TemplateValues.IsNumber(left) || !TemplateValues.IsNumber(right))
        {
            throw new TemplateRuntimeException($"unsupported operand type(s) for {op}: '{TemplateValues.TypeName(left)}' and '{TemplateValues.TypeName(right)}'");
        }

        var integers = left is not double && right is not double;
        if (op == "/")
        {
            var divisor = TemplateValues.ToDouble(right);
            return divisor == 0 ? throw new TemplateRuntimeException("division by zero") : TemplateValues.ToDouble(left) / divisor;
        }

        if (integers)
        {
            var a = TemplateValues.ToLong(left);
            var b = TemplateValues.ToLong(right);
            try
            {
                return op switch
                {
                    "+" => (object)checked(a + b),
                    "-" => checked(a - b),
                    "*" => checked(a * b),
                    "//" => b == 0 ? throw new TemplateRuntimeException("integer division by zero") : FloorDiv(a, b),
                    "%" => b == 0 ? throw new TemplateRuntimeException("integer modulo by zero") : ((a % b) + b) % b,
                    "**" => b >= 0 ? checked((long)Math.Pow(a, b)) : (object)Math.Pow(a, b),
                    _ => throw new TemplateRuntimeException($"unknown operator {op}"),
                };
            }
            catch (OverflowException)
            {
                // Python ints do not overflow; a float is the closest we can do.
                return Binary(op, (double)a, (double)b);
            }
        }

        var x = TemplateValues.ToDouble(left);
        var y = TemplateValues.ToDouble(right);
        return op switch
        {
            "+" => x + y,
            "-" => x - y,
            "*" => x * y,
            "//" => y == 0 ? throw new TemplateRuntimeException("float floor division by zero") : Math.Floor(x / y),
            "%" => y == 0 ? throw new TemplateRuntimeException("float modulo") : x - (y * Math.Floor(x / y)),
            "**" => Math.Pow(x, y),
            _ => throw new TemplateRuntimeException($"unknown operator {op}"),
        };
    }

    public static object? Compare(string op, object? left, object? right)
    {
        switch (op)
        {
            case "==":
                return TemplateValues.AreEqual(left, right);
            case "!=":
                return !TemplateValues.AreEqual(left, right);
        }

        if (left is Undefined)
        {
            return left;
        }

        if (right is Undefined)
        {
            return right;
        }

        switch (op)
        {
            case "in":
                return Contains(right, left);
            case "not in":
                return !Contains(right, left);
        }

        var order = TemplateValues.Compare(left, right, op);
        return op switch
        {
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            ">=" => order >= 0,
            _ => throw new TemplateRuntimeException($"unknown comparison {op}"),
        };
    }

    /// <summary>Python's <c>%</c> string formatting: <c>%s %d %i %f %x %X %o %e %g %%</c> with flags, width and precision.</summary>
    public static string PercentFormat(string format, IReadOnlyList<object?> arguments)
    {
        var output = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%')
            {
                output.Append(c);
                continue;
            }

            if (++i >= format.Length)
            {
                throw new TemplateRuntimeException("incomplete format");
            }

            if (format[i] == '%')
            {
                output.Append('%');
                continue;
            }

            var flags = string.Empty;
            while (i < format.Length && format[i] is '-' or '0' or '+' or ' ' or '#')
            {
                flags += format[i++];
            }

            var width = 0;
            while (i < format.Length && char.IsAsciiDigit(format[i]))
            {
                width = (width * 10) + (format[i++] - '0');
                if (width > MaxGeneratedLength)
                {
                    throw new TemplateRuntimeException($"format width exceeds {MaxGeneratedLength}");
                }
            }

            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                var p = 0;
                while (i < format.Length && char.IsAsciiDigit(format[i]))
                {
                    p = (p * 10) + (format[i++] - '0');
                    if (p > MaxGeneratedLength)
                    {
                        throw new TemplateRuntimeException($"format precision exceeds {MaxGeneratedLength}");
                    }
                }

                precision = p;
            }

            if (i >= format.Length)
            {
                throw new TemplateRuntimeException("incomplete format");
            }

            if (next >= arguments.Count)
            {
                throw new TemplateRuntimeException("not enough arguments for format string");
            }

            var argument = arguments[next++];
            var type = format[i];
            var text = type switch
            {
                's' => PythonText.Str(argument),
                'r' => PythonText.Repr(argument),
                'd' or 'i' or 'u' => SignedInteger(argument, flags),
                'x' => IntegerToBase(argument, 16, flags.Contains('#', StringComparison.Ordinal) ? "0x" : string.Empty),
                'X' => IntegerToBase(argument, 16, flags.Contains('#', StringComparison.Ordinal) ? "0X" : string.Empty).ToUpperInvariant(),
                'o' => IntegerToBase(argument, 8, flags.Contains('#', StringComparison.Ordinal) ? "0o" : string.Empty),
                'f' or 'F' => Signed(TemplateValues.ToDouble(NumberArgument(argument)).ToString("F" + (precision ?? 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), flags),
                'e' or 'E' => Signed(FormatExponent(TemplateValues.ToDouble(NumberArgument(argument)), precision ?? 6, type), flags),
                'g' or 'G' => Signed(TemplateValues.ToDouble(NumberArgument(argument)).ToString("G" + (precision ?? 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), flags),
                _ => throw new TemplateRuntimeException($"unsupported format character '{type}'"),
            };
            if (type == 's' && precision is { } cut && text.Length > cut)
            {
                text = text[..cut];
            }

            if (text.Length < width)
            {
                if (flags.Contains('-', StringComparison.Ordinal))
                {
                    text = text.PadRight(width);
                }
                else if (flags.Contains('0', StringComparison.Ordinal) && type is not 's' and not 'r')
                {
                    var sign = text.Length > 0 && text[0] is '-' or '+' or ' ' ? text[0].ToString() : string.Empty;
                    text = sign + text[sign.Length..].PadLeft(width - sign.Length, '0');
                }
                else
                {
                    text = text.PadLeft(width);
                }
            }

            output.Append(text);
        }

        return output.ToString();
    }

    private static object? FloatFilter(object? value, FilterArguments arguments)
    {
        var hasDefault = arguments.TryGet(0, "default", out var fallback);
        if (value is Undefined)
        {
            return hasDefault ? fallback : value;
        }

        if (TryFloat(value, out var result))
        {
            return result;
        }

        return hasDefault ? fallback : throw NoDefault("float", value);
    }

    private static object? IntFilter(object? value, FilterArguments arguments)
    {
        var hasDefault = arguments.TryGet(0, "default", out var fallback);
        var numberBase = (int)TemplateValues.ToLong(arguments.Get(1, "base", 10L));
        if (value is Undefined)
        {
            return hasDefault ? fallback : value;
        }

        switch (value)
        {
            case long l:
                return l;
            case bool b:
                return b ? 1L : 0L;
            case double d when double.IsFinite(d):
                return (long)Math.Truncate(d);
            case string s when TemplateValues.TryParsePythonInt(s, numberBase, out var parsed):
                return parsed;
            case string s when numberBase == 10 && TemplateValues.TryParsePythonFloat(s, out var d) && double.IsFinite(d):
                return (long)Math.Truncate(d);
        }

        return hasDefault ? fallback : throw NoDefault("int", value);
    }

    private static object? RoundFilter(object? value, FilterArguments arguments)
    {
        var hasDefault = arguments.TryGet(2, "default", out var fallback);
        if (value is Undefined)
        {
            return hasDefault ? fallback : value;
        }

        var precision = (int)TemplateValues.ToLong(arguments.Get(0, "precision", 0L));
        var method = PythonText.Str(arguments.Get(1, "method", "common"));
        if (!TryFloat(value, out var number))
        {
            return hasDefault ? fallback : throw NoDefault("round", value);
        }

        var multiplier = Math.Pow(10, precision);
        var rounded = method switch
        {
            "ceil" => Math.Ceiling(number * multiplier) / multiplier,
            "floor" => Math.Floor(number * multiplier) / multiplier,
            "half" => Math.Round(number * 2, MidpointRounding.ToEven) / 2,
            _ => precision >= 0 ? Math.Round(number, Math.Min(precision, 15), MidpointRounding.ToEven) : Math.Round(number / multiplier, MidpointRounding.ToEven) * multiplier,
        };
        return precision == 0 ? (object)(long)rounded : rounded;
    }

    /// <summary>Jinja's <c>truncate(length=255, killwords=False, end='...', leeway=5)</c>.</summary>
    private static object? TruncateFilter(object? value, FilterArguments arguments)
    {
        if (value is Undefined)
        {
            return value;
        }

        var s = PythonText.Str(value);
        var length = TemplateValues.ToLong(arguments.Get(0, "length", 255L));
        var killWords = TemplateValues.IsTruthy(arguments.Get(1, "killwords", false));
        var end = PythonText.Str(arguments.Get(2, "end", "..."));
        var leeway = arguments.Get(3, "leeway", 5L) is null ? 5 : TemplateValues.ToLong(arguments.Get(3, "leeway", 5L));
        if (length < end.Length || leeway < 0)
        {
            throw new TemplateRuntimeException($"truncate: length {length} is shorter than the end text, or leeway {leeway} is negative");
        }

        if (s.Length <= length + leeway)
        {
            return s;
        }

        var cut = s[..(int)(length - end.Length)];
        if (!killWords)
        {
            var space = cut.LastIndexOf(' ');
            cut = space >= 0 ? cut[..space] : cut;
        }

        return cut + end;
    }

    private static object? DefaultFilter(object? value, FilterArguments arguments)
    {
        var fallback = arguments.Get(0, "default_value", string.Empty);
        var boolean = TemplateValues.IsTruthy(arguments.Get(1, "boolean", false));
        return value is Undefined || (boolean && !TemplateValues.IsTruthy(value)) ? fallback : value;
    }

    private static object? LengthFilter(object? value, FilterArguments arguments) => value switch
    {
        Undefined => value,
        string s => (long)s.Length,
        JsonElement { ValueKind: JsonValueKind.Object } or TemplateDict => (long)Mappings.Count(value),
        _ => (long)TemplateValues.AsList(value).Count,
    };

    private static object? BoolFilter(object? value, FilterArguments arguments)
    {
        var hasDefault = arguments.TryGet(0, "default", out var fallback);
        switch (value)
        {
            case Undefined:
                return hasDefault ? fallback : value;
            case bool b:
                return b;
            case long or double:
                return TemplateValues.ToDouble(value) != 0;
            case string s:
                switch (s.Trim().ToLowerInvariant())
                {
                    case "1" or "true" or "yes" or "on" or "enable":
                        return true;
                    case "0" or "false" or "no" or "off" or "disable":
                        return false;
                }

                break;
        }

        return hasDefault ? fallback : throw NoDefault("bool", value);
    }

    private static bool TryFloat(object? value, out double result)
    {
        switch (value)
        {
            case long or double or bool:
                result = TemplateValues.ToDouble(value);
                return true;
            case string s:
                return TemplateValues.TryParsePythonFloat(s, out result);
            default:
                result = 0;
                return false;
        }
    }

    private static bool IsNumberLike(object? value) =>
        value is long or double || (value is string s && TemplateValues.TryParsePythonFloat(s, out var d) && double.IsFinite(d));

    private static TemplateRuntimeException NoDefault(string filter, object? value) =>
        new($"{filter} got invalid input {PythonText.Repr(value)} but no default was specified");

    private static bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal) : throw new TemplateRuntimeException($"'in <string>' requires string as left operand, not {TemplateValues.TypeName(item)}"),
        JsonElement { ValueKind: JsonValueKind.Object } obj => item is string key && obj.TryGetProperty(key, out _),
        TemplateDict dict => dict.TryGetValue(item, out _),
        _ when TemplateValues.IsSequence(container) => TemplateValues.AsList(container).Any(x => TemplateValues.AreEqual(x, item)),
        _ => throw new TemplateRuntimeException($"argument of type '{TemplateValues.TypeName(container)}' is not iterable"),
    };

    private static int? NormalizeIndex(long index, int length)
    {
        if (index < 0)
        {
            index += length;
        }

        return index >= 0 && index < length ? (int)index : null;
    }

    private static long ClampSlice(long index, int length, long stride)
    {
        if (index < 0)
        {
            index += length;
        }

        return stride > 0 ? Math.Clamp(index, 0, length) : Math.Clamp(index, -1, length - 1);
    }

    private static long FloorDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }

    private static List<object?> Split(string s, string? separator, int maxSplit)
    {
        if (separator is null)
        {
            var parts = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return [.. parts];
        }

        var pieces = maxSplit >= 0 ? s.Split(separator, maxSplit + 1) : s.Split(separator);
        return [.. pieces];
    }

    private static string Title(string s)
    {
        var builder = new StringBuilder(s.Length);
        var previousLetter = false;
        foreach (var c in s)
        {
            builder.Append(previousLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousLetter = char.IsLetter(c);
        }

        return builder.ToString();
    }

    private static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    private static object? NumberArgument(object? argument) =>
        argument is string s && TemplateValues.TryParsePythonFloat(s, out var d) ? d : argument;

    private static string SignedInteger(object? argument, string flags)
    {
        var value = argument is double d ? (long)Math.Truncate(d) : TemplateValues.ToLong(argument);
        return Signed(value.ToString(CultureInfo.InvariantCulture), flags);
    }

    private static string Signed(string text, string flags)
    {
        if (text.StartsWith('-'))
        {
            return text;
        }

        return flags.Contains('+', StringComparison.Ordinal) ? "+" + text : flags.Contains(' ', StringComparison.Ordinal) ? " " + text : text;
    }

    private static string IntegerToBase(object? argument, int numberBase, string prefix)
    {
        var value = TemplateValues.ToLong(argument);
        var negative = value < 0;
        var digits = Convert.ToString(Math.Abs(value), numberBase).ToLowerInvariant();
        return (negative ? "-" : string.Empty) + prefix + digits;
    }

    private static string FormatExponent(double value, int precision, char type)
    {
        // Python: mantissa with `precision` digits, exponent with a sign and at least two digits.
        var text = value.ToString((type == 'E' ? "E" : "e") + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var e = text.IndexOfAny(['e', 'E']);
        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return text[..(e + 1)] + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }
}
