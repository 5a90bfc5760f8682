using System.Buffers.Binary;
using System.Text;

namespace Switchboard;

/// <summary>
/// Decodes the PUBLISH packets of one connection into <see cref="MqttMessage"/>s (the receive side of the
/// packets Switchboard handles itself). Keeps the connection's topic aliases, and reuses the topic string when the
/// same topic arrives again, as it does on any busy subscription.
/// </summary>
internal sealed class PublishPacketDecoder
{
    private const int CacheSlots = 64;
    private const int MaxCachedTopic = 256;

    private readonly MqttProtocol _protocol;
    private readonly byte[]?[] _cachedBytes = new byte[CacheSlots][];
    private readonly string?[] _cachedTopics = new string[CacheSlots];
    private Dictionary<ushort, string>? _aliases;

    private readonly ushort _aliasMaximum;

    /// <param name="protocol">The connection's protocol.</param>
    /// <param name="aliasMaximum">The Topic Alias Maximum this client announced: a higher alias is a protocol error.</param>
    public PublishPacketDecoder(MqttProtocol protocol, ushort aliasMaximum = ushort.MaxValue)
    {
        _protocol = protocol;
        _aliasMaximum = aliasMaximum;
    }

    /// <summary>Decodes a PUBLISH; false (nothing decoded) when the packet is malformed.</summary>
    /// <param name="firstByte">The fixed header's first byte (type and flags).</param>
    /// <param name="body">Everything after the fixed header.</param>
    /// <param name="message">The message, with its own copy of the payload.</param>
    /// <param name="packetId">Packet identifier (0 at QoS 0).</param>
    public bool TryDecode(byte firstByte, ReadOnlySpan<byte> body, out MqttMessage? message, out ushort packetId)
    {
        message = null;
        packetId = 0;
        var qos = (firstByte >> 1) & 0x03;
        if (body.Length < 2 || qos > 2)
        {
            return false;
        }

        var topicLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        var at = 2 + topicLength;
        if (body.Length < at + (qos > 0 ? 2 : 0))
        {
            return false;
        }

        var topicBytes = body.Slice(2, topicLength);
        if (qos > 0)
        {
            packetId = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
            at += 2;
        }

        string? responseTopic = null;
        string? contentType = null;
        byte[]? correlation = null;
        List<KeyValuePair<string, string>>? userProperties = null;
        ushort alias = 0;
        var subscriptionId = 0;
        int[]? subscriptionIds = null;
        if (_protocol == MqttProtocol.V500)
        {
            if (!MqttFraming.TryReadVariableInt(body[at..], out var propertiesLength, out var size) || body.Length < at + size + propertiesLength)
            {
                return false;
            }

            var properties = body.Slice(at + size, propertiesLength);
            at += size + propertiesLength;
            if (!TryReadProperties(properties, ref responseTopic, ref contentType, ref correlation, ref userProperties, ref alias, ref subscriptionId, ref subscriptionIds))
            {
                return false;
            }
        }

        var topic = topicLength > 0 ? Topic(topicBytes) : null;
        if (alias > _aliasMaximum)
        {
            return false;
        }

        if (alias != 0)
        {
            _aliases ??= [];
            if (topic is not null)
            {
                _aliases[alias] = topic;
            }
            else if (!_aliases.TryGetValue(alias, out topic))
            {
                return false;
            }
        }

        if (topic is null)
        {
            return false;
        }

        var payload = body[at..];
        message = new MqttMessage(topic, payload.IsEmpty ? ReadOnlyMemory<byte>.Empty : payload.ToArray(), (Qos)qos, (firstByte & 0x01) != 0)
        {
            ResponseTopic = responseTopic,
            ContentType = contentType,
            CorrelationData = correlation,
            UserProperties = userProperties is null ? [] : userProperties,
            SubscriptionId = subscriptionId,
            SubscriptionIds = subscriptionIds,
        };
        return true;
    }

    private static bool TryReadProperties(ReadOnlySpan<byte> properties, ref string? responseTopic, ref string? contentType, ref byte[]? correlation, ref List<KeyValuePair<string, string>>? userProperties, ref ushort alias, ref int subscriptionId, ref int[]? subscriptionIds)
    {
        var at = 0;
        while (at < properties.Length)
        {
            var id = properties[at++];
            switch (id)
            {
                case 0x01: // payload format indicator
                    at += 1;
                    break;
                case 0x02: // message expiry interval
                    at += 4;
                    break;
                case 0x23: // topic alias
                    if (properties.Length - at < 2)
                    {
                        return false;
                    }

                    alias = BinaryPrimitives.ReadUInt16BigEndian(properties[at..]);
                    at += 2;
                    break;
                case 0x08:
                    if (!TryReadBinary(properties, ref at, out var response))
                    {
                        return false;
                    }

                    responseTopic = Encoding.UTF8.GetString(response);
                    break;
                case 0x03:
                    if (!TryReadBinary(properties, ref at, out var type))
                    {
                        return false;
                    }

                    contentType = Encoding.UTF8.GetString(type);
                    break;
                case 0x09:
                    if (!TryReadBinary(properties, ref at, out var data))
                    {
                        return false;
                    }

                    correlation = data.ToArray();
                    break;
                case 0x26:
                    if (!TryReadBinary(properties, ref at, out var name) || !TryReadBinary(properties, ref at, out var value))
                    {
                        return false;
                    }

                    (userProperties ??= []).Add(new(Encoding.UTF8.GetString(name), Encoding.UTF8.GetString(value)));
                    break;
                case 0x0B: // subscription identifier
                    if (!MqttFraming.TryReadVariableInt(properties[at..], out var identifier, out var size) || identifier == 0)
                    {
                        return false;
                    }

                    at += size;
                    if (subscriptionId == 0)
                    {
                        // One identifier is the common case (Mosquitto sends a copy per matching subscription).
                        subscriptionId = identifier;
                    }
                    else
                    {
                        subscriptionIds = [.. subscriptionIds ?? [subscriptionId], identifier];
                    }

                    break;
                default:
                    return false;
            }
        }

        return at == properties.Length;
    }

    private static bool TryReadBinary(ReadOnlySpan<byte> data, ref int at, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (data.Length - at < 2)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
        if (data.Length - at - 2 < length)
        {
            return false;
        }

        value = data.Slice(at + 2, length);
        at += 2 + length;
        return true;
    }

    private string Topic(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedTopic)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = (int)((uint)hash.ToHashCode() % CacheSlots);
        if (_cachedBytes[slot] is { } cached && utf8.SequenceEqual(cached))
        {
            return _cachedTopics[slot]!;
        }

        var topic = Encoding.UTF8.GetString(utf8);
        _cachedBytes[slot] = utf8.ToArray();
        _cachedTopics[slot] = topic;
        return topic;
    }
}
