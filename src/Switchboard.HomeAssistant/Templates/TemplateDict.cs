using System.Text.Json;

namespace Switchboard.HomeAssistant.Templates;

/// <summary>
/// A dict built by the template itself (a <c>{'a': 1, 0: 'off'}</c> literal). Keys keep their insertion order and compare
/// like Python's: <c>1</c>, <c>1.0</c> and <c>True</c> are the same key; lists and dicts cannot be keys. Dicts in
/// templates are tiny, so lookups are a linear scan.
/// </summary>
internal sealed class TemplateDict
{
    private readonly List<KeyValuePair<object?, object?>> _entries = [];

    public int Count => _entries.Count;

    public IReadOnlyList<KeyValuePair<object?, object?>> Entries => _entries;

    /// <summary>Sets <paramref name="key"/>; a later duplicate replaces the value but keeps the first position, as in Python.</summary>
    /// <exception cref="TemplateRuntimeException">The key is not hashable (a list or a dict) or undefined.</exception>
    public void Set(object? key, object? value)
    {
        RequireHashable(key);
        for (var i = 0; i < _entries.Count; i++)
        {
            if (TemplateValues.AreEqual(_entries[i].Key, key))
            {
                _entries[i] = new(_entries[i].Key, value);
                return;
            }
        }

        _entries.Add(new(key, value));
    }

    public bool TryGetValue(object? key, out object? value)
    {
        if (IsHashable(key))
        {
            foreach (var (k, v) in _entries)
            {
                if (TemplateValues.AreEqual(k, key))
                {
                    value = v;
                    return true;
                }
            }
        }

        value = null;
        return false;
    }

    public static bool IsHashable(object? key) =>
        key is null or bool or long or double or string || (key is object?[] tuple && tuple.All(IsHashable));

    private static void RequireHashable(object? key)
    {
        if (!IsHashable(key))
        {
            throw new TemplateRuntimeException($"unhashable type: '{TemplateValues.TypeName(key)}'");
        }
    }
}

/// <summary>The mappings a template sees, JSON objects from <c>value_json</c> and dict literals, behind one face.</summary>
internal static class Mappings
{
    public static bool IsMapping(object? value) => value is TemplateDict or JsonElement { ValueKind: JsonValueKind.Object };

    /// <summary>The key/value pairs of a mapping, in order.</summary>
    public static IEnumerable<KeyValuePair<object?, object?>> Entries(object? mapping) => mapping switch
    {
        TemplateDict dict => dict.Entries,
        JsonElement { ValueKind: JsonValueKind.Object } obj => obj.EnumerateObject().Select(p => new KeyValuePair<object?, object?>(p.Name, TemplateValues.FromJson(p.Value))),
        _ => [],
    };

    public static int Count(object? mapping) => mapping switch
    {
        TemplateDict dict => dict.Count,
        JsonElement { ValueKind: JsonValueKind.Object } obj => obj.EnumerateObject().Count(),
        _ => 0,
    };

    public static bool TryGet(object? mapping, object? key, out object? value)
    {
        switch (mapping)
        {
            case TemplateDict dict:
                return dict.TryGetValue(key, out value);
            case JsonElement { ValueKind: JsonValueKind.Object } obj when key is string name && obj.TryGetProperty(name, out var property):
                value = TemplateValues.FromJson(property);
                return true;
            default:
                value = null;
                return false;
        }
    }
}
