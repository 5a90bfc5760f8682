using System.Collections.Concurrent;

namespace Switchboard.HomeAssistant.Discovery;

/// <summary>
/// One immutable value per distinct text, shared by every entity that has that text: a Zigbee2MQTT install repeats the
/// same device mapping on each of a device's entities and the same templates (<c>{{ value_json.linkquality }}</c>,
/// <c>{{ value_json.state }}</c>) on thousands of them. Only for values that are a pure function of their text. Bounded:
/// past <see cref="Capacity"/> distinct texts the cache starts over, so an install that keeps changing cannot grow it.
/// </summary>
internal sealed class SharedValues<T>(int capacity)
    where T : class
{
    private readonly ConcurrentDictionary<string, T> _values = new(StringComparer.Ordinal);

    public int Capacity { get; } = capacity;

    public T GetOrAdd(string text, Func<string, T> create)
    {
        if (_values.TryGetValue(text, out var value))
        {
            return value;
        }

        if (_values.Count >= Capacity)
        {
            _values.Clear();
        }

        return _values.GetOrAdd(text, create);
    }
}
