using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Switchboard;

/// <summary>
/// Remembers envelope keys (<c>type|id|seq=n</c> or <c>type|id|hash=…</c>) for a sliding TTL, evicting the oldest past
/// a maximum, so a message redelivered after a reconnect reaches handlers once. Thread-safe.
/// </summary>
internal sealed class DedupeCache
{
    private readonly TimeSpan _ttl;
    private readonly int _maxEntries;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, LinkedListNode<(string Key, long SeenAt)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, long SeenAt)> _byAge = new();
    private readonly Lock _lock = new();

    public DedupeCache(TimeSpan ttl, int maxEntries, TimeProvider time)
    {
        _ttl = ttl;
        _maxEntries = maxEntries;
        _time = time;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>True when the payload is an envelope seen within the TTL; otherwise records it. Non-envelopes are never duplicates.</summary>
    public bool IsDuplicate(ReadOnlySpan<byte> payload) => TryGetKey(payload, out var key) && IsDuplicate(key);

    public bool IsDuplicate(string key)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            EvictExpired(now);
            if (_entries.TryGetValue(key, out var node))
            {
                // Sliding: a key that keeps arriving stays remembered.
                _byAge.Remove(node);
                node.Value = (key, now);
                _byAge.AddLast(node);
                return true;
            }

            _entries[key] = _byAge.AddLast((key, now));
            while (_entries.Count > _maxEntries)
            {
                _entries.Remove(_byAge.First!.Value.Key);
                _byAge.RemoveFirst();
            }

            return false;
        }
    }

    /// <summary>Forgets a key, so its next arrival is not a duplicate (its handler failed).</summary>
    public void Forget(string key)
    {
        lock (_lock)
        {
            if (_entries.Remove(key, out var node))
            {
                _byAge.Remove(node);
            }
        }
    }

    /// <summary>
    /// Builds the dedupe key of an envelope payload; false for anything that is not an envelope, or whose data cannot
    /// be read as text (such a message is never a duplicate; a typed handler finds it malformed). Never throws.
    /// </summary>
    public static bool TryGetKey(ReadOnlySpan<byte> payload, out string key)
    {
        key = string.Empty;
        if (payload.IsEmpty || payload[0] != (byte)'{' || !EnvelopeCodec.TryReadHeader(payload, out var header, out _))
        {
            return false;
        }

        try
        {
            var data = payload.Slice(header.DataStart, header.DataLength);
            using var doc = JsonDocument.Parse(data.ToArray());
            if (doc.RootElement.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number && seq.TryGetInt64(out var n))
            {
                key = string.Create(CultureInfo.InvariantCulture, $"{header.Type}|{header.Id}|seq={n}");
                return true;
            }

            key = $"{header.Type}|{header.Id}|hash={StableHash(doc.RootElement)}";
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Invalid UTF-8 or a lone surrogate in a key or string of data: the reader checked the structure only.
            key = string.Empty;
            return false;
        }
    }

    /// <summary>SHA-256 of the data written with sorted keys, so key order on the wire doesn't matter.</summary>
    internal static string StableHash(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, element);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan))[..32];
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private void EvictExpired(long now)
    {
        while (_byAge.First is { } oldest && _time.GetElapsedTime(oldest.Value.SeenAt, now) > _ttl)
        {
            _entries.Remove(oldest.Value.Key);
            _byAge.RemoveFirst();
        }
    }
}
