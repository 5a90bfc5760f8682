using System.Text.RegularExpressions;

namespace Switchboard.HomeAssistant.Templates;

/// <summary>
/// Home Assistant's regex filters (<c>regex_match</c>, <c>regex_search</c>, <c>regex_replace</c>, <c>regex_findall</c>,
/// <c>regex_findall_index</c>) on .NET's engine. Python's <c>(?P&lt;name&gt;…)</c> and <c>(?P=name)</c> and
/// <c>\1</c>-style replacements are translated; every match runs under a timeout so a pathological pattern cannot
/// stall the dispatch loop. A bad pattern or a timeout is a <see cref="TemplateRuntimeException"/>.
/// </summary>
internal static class Regexes
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(200);

    public static object? Match(string input, FilterArguments arguments, bool anchored)
    {
        var regex = Compile(PythonText.Str(arguments.Get(0, "find", string.Empty)), arguments.Get(1, "ignorecase", false));
        return Run(() =>
        {
            var match = regex.Match(input);
            return anchored ? match.Success && match.Index == 0 : match.Success;
        });
    }

    public static object? Replace(string input, FilterArguments arguments)
    {
        var regex = Compile(PythonText.Str(arguments.Get(0, "find", string.Empty)), arguments.Get(2, "ignorecase", false));
        var replacement = Replacement(PythonText.Str(arguments.Get(1, "replace", string.Empty)));
        return Run(() => regex.Replace(input, replacement));
    }

    public static object? FindAll(string input, FilterArguments arguments, int ignoreCaseIndex)
    {
        var regex = Compile(PythonText.Str(arguments.Get(0, "find", string.Empty)), arguments.Get(ignoreCaseIndex, "ignorecase", false));
        return Run(() => FindAll(regex, input));
    }

    public static object? FindAllIndex(string input, FilterArguments arguments)
    {
        var regex = Compile(PythonText.Str(arguments.Get(0, "find", string.Empty)), arguments.Get(2, "ignorecase", false));
        var index = TemplateValues.ToLong(arguments.Get(1, "index", 0L));
        var all = Run(() => FindAll(regex, input));
        var at = index < 0 ? index + all.Count : index;
        return at >= 0 && at < all.Count ? all[(int)at] : throw new TemplateRuntimeException("list index out of range");
    }

    private static List<object?> FindAll(Regex regex, string input)
    {
        var groups = regex.GetGroupNumbers().Length - 1;
        var result = new List<object?>();
        foreach (Match match in regex.Matches(input))
        {
            result.Add(groups switch
            {
                0 => match.Value,
                1 => match.Groups[1].Value,
                _ => Enumerable.Range(1, groups).Select(g => (object?)match.Groups[g].Value).ToArray(),
            });
        }

        return result;
    }

    private static Regex Compile(string pattern, object? ignoreCase)
    {
        var translated = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal).Replace("(?P=", @"\k<", StringComparison.Ordinal);
        try
        {
            var options = RegexOptions.CultureInvariant | (TemplateValues.IsTruthy(ignoreCase) ? RegexOptions.IgnoreCase : RegexOptions.None);
            return new Regex(translated, options, Timeout);
        }
        catch (ArgumentException ex)
        {
            throw new TemplateRuntimeException($"bad regular expression '{pattern}': {ex.Message}");
        }
    }

    /// <summary>Python's <c>\1</c> and <c>\g&lt;name&gt;</c> become .NET's <c>${1}</c> and <c>${name}</c>; a literal <c>$</c> is escaped.</summary>
    private static string Replacement(string python)
    {
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < python.Length; i++)
        {
            var c = python[i];
            if (c == '$')
            {
                builder.Append("$$");
            }
            else if (c == '\\' && i + 1 < python.Length && char.IsAsciiDigit(python[i + 1]))
            {
                builder.Append("${").Append(python[++i]).Append('}');
            }
            else if (c == '\\' && i + 2 < python.Length && python[i + 1] == 'g' && python[i + 2] == '<' && python.IndexOf('>', i + 3) is var close and > 0)
            {
                builder.Append("${").Append(python, i + 3, close - i - 3).Append('}');
                i = close;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static T Run<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (RegexMatchTimeoutException)
        {
            throw new TemplateRuntimeException($"the regular expression took longer than {Timeout.TotalMilliseconds} ms");
        }
    }
}
