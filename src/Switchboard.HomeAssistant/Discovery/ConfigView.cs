using System.Globalization;
using System.Text.Json;
using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant.Discovery;

/// <summary>
/// Typed, lenient reads of an expanded discovery config (an immutable <see cref="JsonElement"/> object), converting
/// like Home Assistant's config validation: a number or boolean where text is expected becomes Python text
/// (<c>true</c> → <c>"True"</c>), text where a number or boolean is expected is parsed.
/// </summary>
internal readonly struct ConfigView(JsonElement root)
{
    public JsonElement Root { get; } = root;

    /// <summary>True when the key is present and not null.</summary>
    public bool Has(string key) => Root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null;

    public bool TryGet(string key, out JsonElement value) =>
        Root.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

    public string? GetString(string key) => TryGet(key, out var value) ? AsText(value) : null;

    public string GetString(string key, string fallback) => GetString(key) ?? fallback;

    public bool GetBool(string key, bool fallback)
    {
        if (!TryGet(key, out var value))
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.GetDouble() != 0,
            JsonValueKind.String => value.GetString()!.Trim().ToLowerInvariant() switch
            {
                "true" or "yes" or "on" or "1" or "enable" => true,
                "false" or "no" or "off" or "0" or "disable" => false,
                _ => fallback,
            },
            _ => fallback,
        };
    }

    public double? GetDouble(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when TemplateValues.TryParsePythonFloat(value.GetString()!, out var d) => d,
            _ => null,
        };
    }

    public double GetDouble(string key, double fallback) => GetDouble(key) ?? fallback;

    public int GetInt(string key, int fallback) => GetDouble(key) is { } d && double.IsFinite(d) ? (int)d : fallback;

    /// <summary>A list of strings; a single string counts as a one-item list.</summary>
    public IReadOnlyList<string>? GetStringList(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Array => [.. value.EnumerateArray().Where(v => v.ValueKind != JsonValueKind.Null).Select(AsText).OfType<string>()],
            _ => AsText(value) is { } single ? [single] : null,
        };
    }

    /// <summary>Text of a scalar, Python style; null for objects and arrays.</summary>
    public static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Number => value.TryGetInt64(out var l) && !value.GetRawText().Contains('.', StringComparison.Ordinal)
            ? l.ToString(CultureInfo.InvariantCulture)
            : PythonText.FormatFloat(value.GetDouble()),
        _ => null,
    };
}
