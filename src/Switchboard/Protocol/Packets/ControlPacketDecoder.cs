namespace Switchboard;

/// <summary>
/// Decodes the control packets a broker sends (CONNACK, SUBACK, UNSUBACK, the QoS acknowledgements, DISCONNECT,
/// PINGRESP) for MQTT 3.1.1 and 5.0. The input comes off the network, so nothing here throws: a malformed packet,
/// or one the spec calls a protocol error (a repeated property, a property the packet may not carry, a forbidden
/// value, invalid UTF-8), returns false with a short English error naming the packet and what was wrong, which the
/// caller can log and put in its DISCONNECT reason before closing the connection.
/// </summary>
internal static class ControlPacketDecoder
{
    /// <summary>Decodes a CONNACK.</summary>
    /// <param name="firstByte">The fixed header's first byte (must be 0x20).</param>
    /// <param name="body">Everything after the fixed header.</param>
    /// <param name="protocol">Protocol the CONNECT was sent with.</param>
    /// <param name="packet">The CONNACK, or null.</param>
    /// <param name="error">Why it is malformed, or null.</param>
    /// <remarks>
    /// On 5.0 a two-byte body (no property length) is accepted as a CONNACK without properties: it is what a
    /// 3.1.1-only broker answers to a 5.0 CONNECT (return code 1, unacceptable protocol version), and reading that
    /// answer is what lets the caller fall back to 3.1.1.
    /// </remarks>
    public static bool TryDecodeConnAck(byte firstByte, ReadOnlySpan<byte> body, MqttProtocol protocol, out ConnAckPacket? packet, out string? error)
    {
        const string Name = "CONNACK";
        packet = null;
        if (!CheckFirstByte(firstByte, PacketType.ConnAck, 0, Name, out error))
        {
            return false;
        }

        var v5 = protocol == MqttProtocol.V500;
        if (body.Length < 2 || (!v5 && body.Length != 2))
        {
            return Fail($"{Name}: the body is {body.Length} bytes; {(v5 ? "at least 2" : "3.1.1 has exactly 2")}", out error);
        }

        var flags = body[0];
        var code = body[1];
        if ((flags & 0xFE) != 0)
        {
            return Fail($"{Name}: reserved acknowledge flags are set (0x{flags:X2})", out error);
        }

        // MQTT-3.2.2-4 (3.1.1) and MQTT-3.2.2-6 (5.0): a refusal never comes with a session.
        var sessionPresent = (flags & 0x01) != 0;
        if (sessionPresent && code != 0)
        {
            return Fail($"{Name}: session present with the refusal code 0x{code:X2}", out error);
        }

        if (!v5 || body.Length == 2)
        {
            if (!v5 && code > 5)
            {
                return Fail($"{Name}: return code {code} is not defined in 3.1.1", out error);
            }

            packet = new ConnAckPacket { SessionPresent = sessionPresent, ReasonCode = code };
            return true;
        }

        var at = 2;
        if (!MqttPropertyReader.TrySlice(body, ref at, out var properties) || at != body.Length)
        {
            return Fail($"{Name}: {PropertyLengthProblem(body, 2)}", out error);
        }

        string? reasonString = null, assignedClientId = null, serverReference = null, responseInformation = null;
        ushort receiveMaximum = 0, topicAliasMaximum = 0;
        uint maximumPacketSize = 0;
        ushort? serverKeepAlive = null;
        uint? sessionExpiry = null;
        byte maximumQos = 2;
        bool retain = true, wildcard = true, subscriptionIds = true, shared = true;
        var reader = new MqttPropertyReader(Name, properties);
        while (reader.TryReadId(out var id))
        {
            var ok = id switch
            {
                MqttPropertyIds.SessionExpiryInterval => reader.TryReadUInt32(out var value) && Set(ref sessionExpiry, value),
                MqttPropertyIds.ReceiveMaximum => reader.TryReadUInt16(out receiveMaximum) && (receiveMaximum != 0 || reader.Fail("is 0")),
                MqttPropertyIds.MaximumQos => reader.TryReadByte(out maximumQos) && (maximumQos <= 1 || reader.Fail($"is {maximumQos}, not 0 or 1")),
                MqttPropertyIds.RetainAvailable => reader.TryReadFlag(out retain),
                MqttPropertyIds.MaximumPacketSize => reader.TryReadUInt32(out maximumPacketSize) && (maximumPacketSize != 0 || reader.Fail("is 0")),
                MqttPropertyIds.AssignedClientIdentifier => reader.TryReadString(out var value) && Set(ref assignedClientId, value),
                MqttPropertyIds.TopicAliasMaximum => reader.TryReadUInt16(out topicAliasMaximum),
                MqttPropertyIds.ReasonString => reader.TryReadString(out var value) && Set(ref reasonString, value),
                MqttPropertyIds.UserProperty => reader.TrySkipUserProperty(),
                MqttPropertyIds.WildcardSubscriptionAvailable => reader.TryReadFlag(out wildcard),
                MqttPropertyIds.SubscriptionIdentifiersAvailable => reader.TryReadFlag(out subscriptionIds),
                MqttPropertyIds.SharedSubscriptionAvailable => reader.TryReadFlag(out shared),
                MqttPropertyIds.ServerKeepAlive => reader.TryReadUInt16(out var value) && Set(ref serverKeepAlive, value),
                MqttPropertyIds.ResponseInformation => reader.TryReadString(out var value) && Set(ref responseInformation, value),
                MqttPropertyIds.ServerReference => reader.TryReadString(out var value) && Set(ref serverReference, value),

                // Extended authentication is not used; the values are checked for shape and skipped.
                MqttPropertyIds.AuthenticationMethod => reader.TryReadString(out _),
                MqttPropertyIds.AuthenticationData => reader.TryReadBinary(out _),
                _ => reader.NotAllowed(),
            };
            if (!ok)
            {
                break;
            }
        }

        if (reader.Error is not null)
        {
            return Fail(reader.Error, out error);
        }

        packet = new ConnAckPacket
        {
            SessionPresent = sessionPresent,
            ReasonCode = code,
            ReasonString = reasonString,
            ReceiveMaximum = receiveMaximum,
            MaximumPacketSize = maximumPacketSize,
            TopicAliasMaximum = topicAliasMaximum,
            AssignedClientIdentifier = assignedClientId,
            ServerKeepAlive = serverKeepAlive,
            MaximumQos = maximumQos,
            RetainAvailable = retain,
            WildcardSubscriptionAvailable = wildcard,
            SubscriptionIdentifiersAvailable = subscriptionIds,
            SharedSubscriptionAvailable = shared,
            SessionExpiryInterval = sessionExpiry,
            ServerReference = serverReference,
            ResponseInformation = responseInformation,
        };
        return true;
    }

    /// <summary>Decodes a SUBACK.</summary>
    /// <param name="firstByte">The fixed header's first byte (must be 0x90).</param>
    /// <param name="body">Everything after the fixed header.</param>
    /// <param name="protocol">Protocol of the connection.</param>
    /// <param name="packet">The SUBACK, or null.</param>
    /// <param name="error">Why it is malformed, or null.</param>
    public static bool TryDecodeSubAck(byte firstByte, ReadOnlySpan<byte> body, MqttProtocol protocol, out SubAckPacket? packet, out string? error)
    {
        const string Name = "SUBACK";
        packet = null;
        if (!TryReadAckHeader(firstByte, body, protocol, PacketType.SubAck, Name, out var packetId, out var at, out var reasonString, out error))
        {
            return false;
        }

        var codes = body[at..];
        if (codes.IsEmpty)
        {
            return Fail($"{Name}: no reason codes", out error);
        }

        foreach (var code in codes)
        {
            // 3.1.1 defines exactly these four. 5.0 adds failure codes, all ≥ 0x80; below that only a granted QoS
            // means anything, and anything else would be taken for a grant it is not.
            var valid = code <= 2 || (protocol == MqttProtocol.V500 ? code >= 0x80 : code == 0x80);
            if (!valid)
            {
                return Fail($"{Name}: reason code 0x{code:X2} is not defined", out error);
            }
        }

        packet = new SubAckPacket { PacketId = packetId, ReasonCodes = codes.ToArray(), ReasonString = reasonString };
        return true;
    }

    /// <summary>Decodes an UNSUBACK (3.1.1: the packet identifier only; 5.0: properties and a reason code per filter).</summary>
    /// <param name="firstByte">The fixed header's first byte (must be 0xB0).</param>
    /// <param name="body">Everything after the fixed header.</param>
    /// <param name="protocol">Protocol of the connection.</param>
    /// <param name="packet">The UNSUBACK, or null.</param>
    /// <param name="error">Why it is malformed, or null.</param>
    public static bool TryDecodeUnsubAck(byte firstByte, ReadOnlySpan<byte> body, MqttProtocol protocol, out UnsubAckPacket? packet, out string? error)
    {
        const string Name = "UNSUBACK";
        packet = null;
        if (protocol == MqttProtocol.V311 && body.Length != 2 && CheckFirstByte(firstByte, PacketType.UnsubAck, 0, Name, out _))
        {
            return Fail($"{Name}: the body is {body.Length} bytes; 3.1.1 has exactly 2", out error);
        }

        if (!TryReadAckHeader(firstByte, body, protocol, PacketType.UnsubAck, Name, out var packetId, out var at, out var reasonString, out error))
        {
            return false;
        }

        var codes = body[at..];
        if (protocol == MqttProtocol.V500)
        {
            if (codes.IsEmpty)
            {
                return Fail($"{Name}: no reason codes", out error);
            }

            foreach (var code in codes)
            {
                // Success (0x00) and "no subscription existed" (0x11) are the only codes below 0x80.
                if (code is not (0x00 or 0x11) && code < 0x80)
                {
                    return Fail($"{Name}: reason code 0x{code:X2} is not defined", out error);
                }
            }
        }

        packet = new UnsubAckPacket { PacketId = packetId, ReasonCodes = codes.ToArray(), ReasonString = reasonString };
        return true;
    }

    /// <summary>Decodes a PUBACK, PUBREC, PUBREL or PUBCOMP (which one is read from <paramref name="firstByte"/>).</summary>
    /// <param name="firstByte">The fixed header's first byte: 0x40, 0x50, 0x62 or 0x70.</param>
    /// <param name="body">Everything after the fixed header: 3.1.1 exactly 2 bytes; 5.0 2 (success), 3 (a reason code) or more (reason code and properties).</param>
    /// <param name="protocol">Protocol of the connection.</param>
    /// <param name="packet">The acknowledgement; default when false.</param>
    /// <param name="error">Why it is malformed, or null.</param>
    public static bool TryDecodeAck(byte firstByte, ReadOnlySpan<byte> body, MqttProtocol protocol, out AckPacket packet, out string? error)
    {
        packet = default;
        var type = (PacketType)(firstByte >> 4);
        if (type is not (PacketType.PubAck or PacketType.PubRec or PacketType.PubRel or PacketType.PubComp))
        {
            return Fail($"acknowledgement: first byte 0x{firstByte:X2} is not a PUBACK, PUBREC, PUBREL or PUBCOMP", out error);
        }

        var name = type.ToString().ToUpperInvariant();
        if (!CheckFirstByte(firstByte, type, type == PacketType.PubRel ? 0x02 : 0, name, out error))
        {
            return false;
        }

        var v5 = protocol == MqttProtocol.V500;
        if (body.Length < 2 || (!v5 && body.Length != 2))
        {
            return Fail($"{name}: the body is {body.Length} bytes; {(v5 ? "at least 2" : "3.1.1 has exactly 2")}", out error);
        }

        var packetId = MqttFraming.ReadUInt16(body);
        if (packetId == 0)
        {
            return Fail($"{name}: packet identifier is 0", out error);
        }

        // 5.0's short forms: no reason code means success, no property length means no properties.
        var reasonCode = body.Length > 2 ? body[2] : (byte)0;
        string? reasonString = null;
        if (body.Length > 3)
        {
            var at = 3;
            if (!MqttPropertyReader.TrySlice(body, ref at, out var properties) || at != body.Length)
            {
                return Fail($"{name}: {PropertyLengthProblem(body, 3)}", out error);
            }

            if (!TryReadReasonOnly(name, properties, out reasonString, out error))
            {
                return false;
            }
        }

        packet = new AckPacket(type, packetId, reasonCode, reasonString);
        return true;
    }

    /// <summary>Decodes a DISCONNECT from the broker.</summary>
    /// <param name="firstByte">The fixed header's first byte (must be 0xE0).</param>
    /// <param name="body">Everything after the fixed header: empty (reason 0), the reason code alone, or the reason code and properties; always empty on 3.1.1.</param>
    /// <param name="protocol">Protocol of the connection.</param>
    /// <param name="packet">The DISCONNECT, or null.</param>
    /// <param name="error">Why it is malformed, or null.</param>
    public static bool TryDecodeDisconnect(byte firstByte, ReadOnlySpan<byte> body, MqttProtocol protocol, out DisconnectPacket? packet, out string? error)
    {
        const string Name = "DISCONNECT";
        packet = null;
        if (!CheckFirstByte(firstByte, PacketType.Disconnect, 0, Name, out error))
        {
            return false;
        }

        if (protocol != MqttProtocol.V500 && !body.IsEmpty)
        {
            return Fail($"{Name}: the body is {body.Length} bytes; 3.1.1 has none", out error);
        }

        var reasonCode = body.IsEmpty ? (byte)0 : body[0];
        string? reasonString = null, serverReference = null;
        uint? sessionExpiry = null;
        if (body.Length > 1)
        {
            var at = 1;
            if (!MqttPropertyReader.TrySlice(body, ref at, out var properties) || at != body.Length)
            {
                return Fail($"{Name}: {PropertyLengthProblem(body, 1)}", out error);
            }

            var reader = new MqttPropertyReader(Name, properties);
            while (reader.TryReadId(out var id))
            {
                var ok = id switch
                {
                    MqttPropertyIds.SessionExpiryInterval => reader.TryReadUInt32(out var value) && Set(ref sessionExpiry, value),
                    MqttPropertyIds.ReasonString => reader.TryReadString(out var value) && Set(ref reasonString, value),
                    MqttPropertyIds.ServerReference => reader.TryReadString(out var value) && Set(ref serverReference, value),
                    MqttPropertyIds.UserProperty => reader.TrySkipUserProperty(),
                    _ => reader.NotAllowed(),
                };
                if (!ok)
                {
                    break;
                }
            }

            if (reader.Error is not null)
            {
                return Fail(reader.Error, out error);
            }
        }

        packet = new DisconnectPacket
        {
            ReasonCode = reasonCode,
            ReasonString = reasonString,
            ServerReference = serverReference,
            SessionExpiryInterval = sessionExpiry,
        };
        return true;
    }

    /// <summary>Checks a PINGRESP (first byte 0xD0, empty body; the same on both versions).</summary>
    /// <param name="firstByte">The fixed header's first byte.</param>
    /// <param name="body">Everything after the fixed header.</param>
    /// <param name="error">Why it is malformed, or null.</param>
    public static bool TryDecodePingResp(byte firstByte, ReadOnlySpan<byte> body, out string? error)
    {
        const string Name = "PINGRESP";
        if (!CheckFirstByte(firstByte, PacketType.PingResp, 0, Name, out error))
        {
            return false;
        }

        return body.IsEmpty || Fail($"{Name}: the body is {body.Length} bytes; it has none", out error);
    }

    /// <summary>
    /// Reads what SUBACK and UNSUBACK share: the packet identifier and, on 5.0, properties that may only be a reason
    /// string and user properties. <paramref name="at"/> ends at the first reason code.
    /// </summary>
    private static bool TryReadAckHeader(byte firstByte, ReadOnlySpan<byte> body, MqttProtocol protocol, PacketType type, string name, out ushort packetId, out int at, out string? reasonString, out string? error)
    {
        packetId = 0;
        at = 2;
        reasonString = null;
        if (!CheckFirstByte(firstByte, type, 0, name, out error))
        {
            return false;
        }

        if (body.Length < 2)
        {
            return Fail($"{name}: the body is {body.Length} bytes; at least 2", out error);
        }

        packetId = MqttFraming.ReadUInt16(body);
        if (packetId == 0)
        {
            return Fail($"{name}: packet identifier is 0", out error);
        }

        if (protocol != MqttProtocol.V500)
        {
            return true;
        }

        // Unlike the PUBACK family, SUBACK and UNSUBACK always carry the property length on 5.0.
        if (!MqttPropertyReader.TrySlice(body, ref at, out var properties))
        {
            return Fail($"{name}: {PropertyLengthProblem(body, 2)}", out error);
        }

        return TryReadReasonOnly(name, properties, out reasonString, out error);
    }

    /// <summary>Reads properties that may only be a reason string and user properties (the acknowledgements' set).</summary>
    private static bool TryReadReasonOnly(string name, ReadOnlySpan<byte> properties, out string? reasonString, out string? error)
    {
        reasonString = null;
        error = null;
        var reader = new MqttPropertyReader(name, properties);
        while (reader.TryReadId(out var id))
        {
            var ok = id switch
            {
                MqttPropertyIds.ReasonString => reader.TryReadString(out var value) && Set(ref reasonString, value),
                MqttPropertyIds.UserProperty => reader.TrySkipUserProperty(),
                _ => reader.NotAllowed(),
            };
            if (!ok)
            {
                break;
            }
        }

        return reader.Error is null || Fail(reader.Error, out error);
    }

    /// <summary>Checks the packet type and the fixed header flags the spec fixes for it (section 2.1.3).</summary>
    private static bool CheckFirstByte(byte firstByte, PacketType type, int flags, string name, out string? error)
    {
        error = null;
        if (firstByte >> 4 != (int)type)
        {
            return Fail($"{name}: first byte 0x{firstByte:X2} is not a {name}", out error);
        }

        return (firstByte & 0x0F) == flags || Fail($"{name}: fixed header flags are 0x{firstByte & 0x0F:X}, must be 0x{flags:X}", out error);
    }

    /// <summary>Says why the property length at <paramref name="at"/> did not slice the body exactly.</summary>
    private static string PropertyLengthProblem(ReadOnlySpan<byte> body, int at)
    {
        if (!MqttFraming.TryReadVariableInt(body[at..], out var length, out var size))
        {
            return "the property length is cut off or malformed";
        }

        var left = body.Length - at - size;
        return length > left
            ? $"the properties are {length} bytes but only {left} follow"
            : $"{left - length} unexpected bytes after the properties";
    }

    /// <summary>Sets <paramref name="error"/>; always false, so a failure is one return statement.</summary>
    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    /// <summary>Stores a property value inside a switch expression; always true.</summary>
    private static bool Set<T>(ref T target, T value)
    {
        target = value;
        return true;
    }

    /// <summary>Stores a property value into a nullable inside a switch expression; always true.</summary>
    private static bool Set<T>(ref T? target, T value)
        where T : struct
    {
        target = value;
        return true;
    }
}
