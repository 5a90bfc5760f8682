using System.Text.Json;

namespace Switchboard;

/// <summary>
/// Remembers the last string read for one envelope field on this thread and returns it again when the next value has
/// the same bytes: <c>type</c> and <c>source</c> repeat from message to message on a subscription, so decoding them
/// need not allocate a new string each time.
/// </summary>
internal sealed class RecentString
{
    [ThreadStatic]
    private static RecentString? t_type;

    [ThreadStatic]
    private static RecentString? t_source;

    private byte[] _utf8 = [];
    private string _value = string.Empty;

    public static RecentString Type => t_type ??= new RecentString();

    public static RecentString Source => t_source ??= new RecentString();

    /// <summary>The current string token's value; the reader must be on a string token of a single-span payload.</summary>
    public string Read(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual(_utf8))
        {
            return _value;
        }

        var value = reader.GetString()!;
        if (!reader.ValueIsEscaped && reader.ValueSpan.Length <= 256)
        {
            _utf8 = reader.ValueSpan.ToArray();
            _value = value;
        }

        return value;
    }
}
