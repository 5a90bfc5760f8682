using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Switchboard;

/// <summary>
/// Encodes the control packets a client sends (CONNECT, SUBSCRIBE, UNSUBSCRIBE, the QoS acknowledgements, PINGREQ,
/// DISCONNECT) for MQTT 3.1.1 and 5.0. Each method measures the whole packet first and writes it, fixed header
/// included, into one span of the output, so a packet is either written completely or (on a bad argument) not at
/// all. Arguments MQTT cannot carry throw <see cref="ArgumentException"/> naming the field, instead of putting a
/// packet on the wire that the broker would answer by closing the connection.
/// </summary>
internal static class ControlPacketEncoder
{
    /// <summary>Longest MQTT string or binary field: its length is a two-byte integer.</summary>
    private const int MaxStringBytes = ushort.MaxValue;

    /// <summary>Largest subscription identifier (the largest four-byte variable byte integer).</summary>
    private const int MaxSubscriptionIdentifier = MqttFraming.MaxRemainingLength;

    /// <summary>
    /// UTF-8 that throws on lone surrogates: Encoding.UTF8 would silently send U+FFFD instead, a different topic
    /// than the one asked for.
    /// </summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes a CONNECT.</summary>
    /// <param name="output">Where the packet goes.</param>
    /// <param name="packet">What to connect with.</param>
    /// <exception cref="ArgumentException">A string or binary field is too long or not valid, or (3.1.1) a password comes without a user name.</exception>
    public static void WriteConnect(IBufferWriter<byte> output, ConnectPacket packet)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(packet);
        var v5 = packet.Protocol == MqttProtocol.V500;
        var clientIdBytes = StringSize(packet.ClientId, "client identifier", nameof(packet));
        var usernameBytes = packet.Username is null ? -1 : StringSize(packet.Username, "user name", nameof(packet));
        var passwordBytes = -1;
        if (packet.Password is { } password)
        {
            passwordBytes = BinarySize(password.Length, "password", nameof(packet));

            // 3.1.1 (MQTT-3.1.2-22) only allows a password after a user name; 5.0 dropped that rule.
            if (!v5 && packet.Username is null)
            {
                throw new ArgumentException("MQTT 3.1.1 does not allow a password without a user name.", nameof(packet));
            }
        }

        var properties = !v5 ? 0
            : (packet.SessionExpiryInterval != 0 ? 5 : 0)
            + (packet.ReceiveMaximum != 0 ? 3 : 0)
            + (packet.MaximumPacketSize != 0 ? 5 : 0)
            + (packet.TopicAliasMaximum != 0 ? 3 : 0);

        var will = packet.Will;
        int willTopicBytes = 0, willPayloadBytes = 0, willContentTypeBytes = -1, willProperties = 0;
        if (will is not null)
        {
            willTopicBytes = StringSize(will.Topic, "will topic", nameof(packet));
            if (willTopicBytes == 0 || will.Topic.AsSpan().IndexOfAny('+', '#') >= 0)
            {
                throw new ArgumentException($"The will topic '{will.Topic}' is not a topic name: it is empty or has a wildcard.", nameof(packet));
            }

            willPayloadBytes = BinarySize(will.Payload.Length, "will payload", nameof(packet));
            CheckQos(will.Qos, "will QoS", nameof(packet));
            if (v5)
            {
                willContentTypeBytes = will.ContentType is null ? -1 : StringSize(will.ContentType, "will content type", nameof(packet));
                willProperties = (will.DelayInterval != 0 ? 5 : 0)
                    + (will.MessageExpiryInterval is not null ? 5 : 0)
                    + (willContentTypeBytes >= 0 ? 3 + willContentTypeBytes : 0);
            }
        }

        // Protocol name "MQTT", level, flags, keep-alive.
        long remaining = 6 + 1 + 1 + 2 + (v5 ? MqttFraming.VariableIntSize(properties) + properties : 0)
            + 2 + clientIdBytes
            + (will is null ? 0 : (v5 ? MqttFraming.VariableIntSize(willProperties) + willProperties : 0) + 2 + willTopicBytes + 2 + willPayloadBytes)
            + (usernameBytes >= 0 ? 2 + usernameBytes : 0)
            + (passwordBytes >= 0 ? 2 + passwordBytes : 0);

        var span = Begin(output, (byte)PacketType.Connect << 4, remaining, "CONNECT", out var at, out var total);
        WriteString(span, ref at, "MQTT", 4);
        span[at++] = v5 ? (byte)5 : (byte)4;
        var flags = (usernameBytes >= 0 ? 0x80 : 0)
            | (passwordBytes >= 0 ? 0x40 : 0)
            | (will is { Retain: true } ? 0x20 : 0)
            | (will is null ? 0 : ((int)will.Qos << 3) | 0x04)
            | (packet.CleanStart ? 0x02 : 0);
        span[at++] = (byte)flags;
        WriteUInt16(span, ref at, packet.KeepAliveSeconds);
        if (v5)
        {
            at += MqttFraming.WriteVariableInt(span[at..], properties);
            if (packet.SessionExpiryInterval != 0)
            {
                span[at++] = MqttPropertyIds.SessionExpiryInterval;
                WriteUInt32(span, ref at, packet.SessionExpiryInterval);
            }

            if (packet.ReceiveMaximum != 0)
            {
                span[at++] = MqttPropertyIds.ReceiveMaximum;
                WriteUInt16(span, ref at, packet.ReceiveMaximum);
            }

            if (packet.MaximumPacketSize != 0)
            {
                span[at++] = MqttPropertyIds.MaximumPacketSize;
                WriteUInt32(span, ref at, packet.MaximumPacketSize);
            }

            if (packet.TopicAliasMaximum != 0)
            {
                span[at++] = MqttPropertyIds.TopicAliasMaximum;
                WriteUInt16(span, ref at, packet.TopicAliasMaximum);
            }
        }

        WriteString(span, ref at, packet.ClientId, clientIdBytes);
        if (will is not null)
        {
            if (v5)
            {
                at += MqttFraming.WriteVariableInt(span[at..], willProperties);
                if (will.DelayInterval != 0)
                {
                    span[at++] = MqttPropertyIds.WillDelayInterval;
                    WriteUInt32(span, ref at, will.DelayInterval);
                }

                if (will.MessageExpiryInterval is { } expiry)
                {
                    span[at++] = MqttPropertyIds.MessageExpiryInterval;
                    WriteUInt32(span, ref at, expiry);
                }

                if (willContentTypeBytes >= 0)
                {
                    span[at++] = MqttPropertyIds.ContentType;
                    WriteString(span, ref at, will.ContentType!, willContentTypeBytes);
                }
            }

            WriteString(span, ref at, will.Topic, willTopicBytes);
            WriteBinary(span, ref at, will.Payload.Span);
        }

        if (usernameBytes >= 0)
        {
            WriteString(span, ref at, packet.Username!, usernameBytes);
        }

        if (packet.Password is { } passwordValue)
        {
            WriteBinary(span, ref at, passwordValue.Span);
        }

        End(output, at, total);
    }

    /// <summary>Writes a SUBSCRIBE.</summary>
    /// <param name="output">Where the packet goes.</param>
    /// <param name="protocol">Protocol of the connection: 3.1.1 sends only each filter's QoS, and no subscription identifier.</param>
    /// <param name="packetId">Packet identifier (not 0).</param>
    /// <param name="filters">The topic filters (at least one).</param>
    /// <param name="subscriptionIdentifier">MQTT 5 subscription identifier (1–268,435,455); 0 = none.</param>
    /// <exception cref="ArgumentException">No filters, an empty or too long filter, a bad option, packet identifier 0, or an identifier out of range.</exception>
    public static void WriteSubscribe(IBufferWriter<byte> output, MqttProtocol protocol, ushort packetId, IReadOnlyList<SubscribeRequest> filters, uint subscriptionIdentifier)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(filters);
        CheckPacketId(packetId, "SUBSCRIBE");
        if (filters.Count == 0)
        {
            throw new ArgumentException("A SUBSCRIBE needs at least one topic filter.", nameof(filters));
        }

        var v5 = protocol == MqttProtocol.V500;
        if (v5 && subscriptionIdentifier > MaxSubscriptionIdentifier)
        {
            throw new ArgumentException($"The subscription identifier {subscriptionIdentifier} is above the MQTT maximum {MaxSubscriptionIdentifier}.", nameof(subscriptionIdentifier));
        }

        var properties = v5 && subscriptionIdentifier != 0 ? 1 + MqttFraming.VariableIntSize((int)subscriptionIdentifier) : 0;
        var sizes = new int[filters.Count];
        long remaining = 2 + (v5 ? MqttFraming.VariableIntSize(properties) + properties : 0);
        for (var i = 0; i < sizes.Length; i++)
        {
            var request = filters[i];
            sizes[i] = FilterSize(request.Filter, i, nameof(filters));
            CheckQos(request.Qos, $"QoS of topic filter {i} ('{request.Filter}')", nameof(filters));
            if (v5 && request.RetainHandling > 2)
            {
                throw new ArgumentException($"The retain handling of topic filter {i} ('{request.Filter}') is {request.RetainHandling}; MQTT allows 0, 1 or 2.", nameof(filters));
            }

            // MQTT-3.8.3-4: no-local on a shared subscription is a protocol error.
            if (v5 && request.NoLocal && request.Filter.StartsWith("$share/", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Topic filter {i} ('{request.Filter}') is a shared subscription, which MQTT does not allow with no-local.", nameof(filters));
            }

            remaining += 2 + sizes[i] + 1;
        }

        var span = Begin(output, ((byte)PacketType.Subscribe << 4) | 0x02, remaining, "SUBSCRIBE", out var at, out var total);
        WriteUInt16(span, ref at, packetId);
        if (v5)
        {
            at += MqttFraming.WriteVariableInt(span[at..], properties);
            if (properties != 0)
            {
                span[at++] = MqttPropertyIds.SubscriptionIdentifier;
                at += MqttFraming.WriteVariableInt(span[at..], (int)subscriptionIdentifier);
            }
        }

        for (var i = 0; i < sizes.Length; i++)
        {
            var request = filters[i];
            WriteString(span, ref at, request.Filter, sizes[i]);

            // 3.1.1 reserves bits 2–7 of the options byte (3.1.1's MQTT-3.8.3-4), so only the QoS goes out there.
            var options = (int)request.Qos;
            if (v5)
            {
                options |= (request.NoLocal ? 0x04 : 0) | (request.RetainAsPublished ? 0x08 : 0) | (request.RetainHandling << 4);
            }

            span[at++] = (byte)options;
        }

        End(output, at, total);
    }

    /// <summary>Writes an UNSUBSCRIBE.</summary>
    /// <param name="output">Where the packet goes.</param>
    /// <param name="protocol">Protocol of the connection (5.0 adds an empty property list).</param>
    /// <param name="packetId">Packet identifier (not 0).</param>
    /// <param name="filters">The topic filters (at least one).</param>
    /// <exception cref="ArgumentException">No filters, an empty or too long filter, or packet identifier 0.</exception>
    public static void WriteUnsubscribe(IBufferWriter<byte> output, MqttProtocol protocol, ushort packetId, IReadOnlyList<string> filters)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(filters);
        CheckPacketId(packetId, "UNSUBSCRIBE");
        if (filters.Count == 0)
        {
            throw new ArgumentException("An UNSUBSCRIBE needs at least one topic filter.", nameof(filters));
        }

        var v5 = protocol == MqttProtocol.V500;
        var sizes = new int[filters.Count];
        long remaining = 2 + (v5 ? 1 : 0);
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = FilterSize(filters[i], i, nameof(filters));
            remaining += 2 + sizes[i];
        }

        var span = Begin(output, ((byte)PacketType.Unsubscribe << 4) | 0x02, remaining, "UNSUBSCRIBE", out var at, out var total);
        WriteUInt16(span, ref at, packetId);
        if (v5)
        {
            span[at++] = 0; // no properties
        }

        for (var i = 0; i < sizes.Length; i++)
        {
            WriteString(span, ref at, filters[i], sizes[i]);
        }

        End(output, at, total);
    }

    /// <summary>
    /// Writes a PUBACK, PUBREC, PUBREL or PUBCOMP. On 5.0 a reason code of 0 is left out (the spec's short form, a
    /// two-byte body) and any other goes without properties (three bytes). 3.1.1 has no reason codes, so there the
    /// reason code is not sent: the packet is the same whatever it is.
    /// </summary>
    /// <param name="output">Where the packet goes.</param>
    /// <param name="type">Which acknowledgement.</param>
    /// <param name="packetId">Packet identifier of the publish (not 0).</param>
    /// <param name="reasonCode">MQTT 5 reason code.</param>
    /// <param name="protocol">Protocol of the connection.</param>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not one of the four, or packet identifier 0.</exception>
    public static void WriteAck(IBufferWriter<byte> output, PacketType type, ushort packetId, byte reasonCode, MqttProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (type is not (PacketType.PubAck or PacketType.PubRec or PacketType.PubRel or PacketType.PubComp))
        {
            throw new ArgumentException($"{type} is not PUBACK, PUBREC, PUBREL or PUBCOMP.", nameof(type));
        }

        CheckPacketId(packetId, type.ToString().ToUpperInvariant());
        var withReason = protocol == MqttProtocol.V500 && reasonCode != 0;

        // PUBREL's fixed header flags are 0b0010 (MQTT-3.6.1-1); the others' are 0.
        var firstByte = ((byte)type << 4) | (type == PacketType.PubRel ? 0x02 : 0);
        var span = Begin(output, firstByte, withReason ? 3 : 2, "acknowledgement", out var at, out var total);
        WriteUInt16(span, ref at, packetId);
        if (withReason)
        {
            span[at++] = reasonCode;
        }

        End(output, at, total);
    }

    /// <summary>Writes a PINGREQ (two bytes, the same on both versions).</summary>
    /// <param name="output">Where the packet goes.</param>
    public static void WritePingReq(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _ = Begin(output, (byte)PacketType.PingReq << 4, 0, "PINGREQ", out var at, out var total);
        End(output, at, total);
    }

    /// <summary>
    /// Writes a DISCONNECT. 3.1.1's has an empty body, so the reason code and session expiry are not sent there; on
    /// 5.0 the spec's short forms are used: empty for reason 0 without properties, the reason code alone without.
    /// </summary>
    /// <param name="output">Where the packet goes.</param>
    /// <param name="protocol">Protocol of the connection.</param>
    /// <param name="reasonCode">MQTT 5 reason code (0 = normal disconnection, 4 = send the will).</param>
    /// <param name="sessionExpiryInterval">MQTT 5: a new session expiry interval (property 0x11); null = unchanged.</param>
    public static void WriteDisconnect(IBufferWriter<byte> output, MqttProtocol protocol, byte reasonCode, uint? sessionExpiryInterval = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var v5 = protocol == MqttProtocol.V500;
        var remaining = !v5 ? 0 : sessionExpiryInterval is not null ? 7 : reasonCode != 0 ? 1 : 0;
        var span = Begin(output, (byte)PacketType.Disconnect << 4, remaining, "DISCONNECT", out var at, out var total);
        if (remaining > 0)
        {
            span[at++] = reasonCode;
        }

        if (remaining > 1)
        {
            span[at++] = 5;
            span[at++] = MqttPropertyIds.SessionExpiryInterval;
            WriteUInt32(span, ref at, sessionExpiryInterval!.Value);
        }

        End(output, at, total);
    }

    /// <summary>Checks the packet fits MQTT, takes a span for all of it from the output and writes the fixed header.</summary>
    private static Span<byte> Begin(IBufferWriter<byte> output, int firstByte, long remaining, string packet, out int at, out int total)
    {
        if (remaining > MqttFraming.MaxRemainingLength)
        {
            throw new ArgumentException($"The {packet} would have {remaining} bytes after the fixed header; MQTT allows at most {MqttFraming.MaxRemainingLength}.");
        }

        total = 1 + MqttFraming.VariableIntSize((int)remaining) + (int)remaining;
        var span = output.GetSpan(total);
        span[0] = (byte)firstByte;
        at = 1 + MqttFraming.WriteVariableInt(span[1..], (int)remaining);
        return span;
    }

    /// <summary>Commits the packet begun by <see cref="Begin"/>.</summary>
    private static void End(IBufferWriter<byte> output, int at, int total)
    {
        // The size is computed before anything is written; a mismatch would be a bug here, not bad input.
        Debug.Assert(at == total, $"Wrote {at} bytes of a {total}-byte packet.");
        output.Advance(total);
    }

    /// <summary>Packet identifiers of SUBSCRIBE, UNSUBSCRIBE and the acknowledgements must not be 0 (section 2.2.1).</summary>
    private static void CheckPacketId(ushort packetId, string packet)
    {
        if (packetId == 0)
        {
            throw new ArgumentException($"The packet identifier of a {packet} must not be 0.", nameof(packetId));
        }
    }

    /// <summary>Rejects a <see cref="Qos"/> value outside the enum (a cast from a bad integer).</summary>
    private static void CheckQos(Qos qos, string field, string parameter)
    {
        if ((uint)qos > 2)
        {
            throw new ArgumentException($"The {field} is {(int)qos}; MQTT allows 0, 1 or 2.", parameter);
        }
    }

    /// <summary>UTF-8 length of a topic filter, which MQTT requires to be at least one character.</summary>
    private static int FilterSize(string filter, int index, string parameter)
    {
        ArgumentNullException.ThrowIfNull(filter, parameter);
        var bytes = StringSize(filter, $"topic filter {index}", parameter);
        return bytes > 0 ? bytes : throw new ArgumentException($"Topic filter {index} is empty; MQTT requires at least one character.", parameter);
    }

    /// <summary>Checks a binary field fits its two-byte length.</summary>
    private static int BinarySize(int length, string field, string parameter) => length <= MaxStringBytes
        ? length
        : throw new ArgumentException($"The {field} is {length} bytes; MQTT allows at most {MaxStringBytes}.", parameter);

    /// <summary>UTF-8 length of an MQTT string, after checking MQTT can carry it (section 1.5.4).</summary>
    private static int StringSize(string value, string field, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value, parameter);
        if (value.Contains('\0'))
        {
            throw new ArgumentException($"The {field} contains U+0000, which MQTT does not allow in a string.", parameter);
        }

        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException($"The {field} has a lone UTF-16 surrogate, so it has no UTF-8 form.", parameter);
        }

        return bytes <= MaxStringBytes
            ? bytes
            : throw new ArgumentException($"The {field} is {bytes} bytes in UTF-8; MQTT allows at most {MaxStringBytes}.", parameter);
    }

    /// <summary>Writes a string measured by <see cref="StringSize"/>: two-byte length, then the UTF-8.</summary>
    private static void WriteString(Span<byte> span, ref int at, string value, int bytes)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)bytes);
        StrictUtf8.GetBytes(value, span[(at + 2)..]);
        at += 2 + bytes;
    }

    /// <summary>Writes binary data: two-byte length, then the bytes.</summary>
    private static void WriteBinary(Span<byte> span, ref int at, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)value.Length);
        value.CopyTo(span[(at + 2)..]);
        at += 2 + value.Length;
    }

    /// <summary>Writes a big-endian two-byte integer.</summary>
    private static void WriteUInt16(Span<byte> span, ref int at, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], value);
        at += 2;
    }

    /// <summary>Writes a big-endian four-byte integer.</summary>
    private static void WriteUInt32(Span<byte> span, ref int at, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(span[at..], value);
        at += 4;
    }
}
