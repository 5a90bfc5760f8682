using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Switchboard;

/// <summary>
/// Walks the MQTT 5 properties of one packet for the decoders. It never throws: every read returns false on bytes
/// that are cut off or malformed and leaves a short message in <see cref="Error"/> that names the packet and the
/// property, so a broker's bad packet can be reported as what it is. It also rejects a property given twice, which
/// the spec makes a protocol error for every property here except the user property.
/// </summary>
internal ref struct MqttPropertyReader
{
    /// <summary>The properties, without their length prefix.</summary>
    private readonly ReadOnlySpan<byte> _data;

    /// <summary>Packet name that starts every error message.</summary>
    private readonly string _packet;

    /// <summary>Offset of the next byte to read in <see cref="_data"/>.</summary>
    private int _at;

    /// <summary>One bit per property identifier read so far (all defined ones are below 64).</summary>
    private ulong _seen;

    /// <summary>Identifier of the property being read, for error messages.</summary>
    private byte _id;

    /// <summary>Starts at the first property of <paramref name="properties"/>.</summary>
    /// <param name="packet">Packet name for messages ("CONNACK").</param>
    /// <param name="properties">The properties, without their length prefix.</param>
    public MqttPropertyReader(string packet, ReadOnlySpan<byte> properties)
    {
        _packet = packet;
        _data = properties;
    }

    /// <summary>Why the last read failed; null while all is well.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// Reads the property length at <paramref name="at"/> in <paramref name="body"/> and slices out the properties;
    /// false when the length is malformed or longer than what is left.
    /// </summary>
    /// <param name="body">The packet body.</param>
    /// <param name="at">Offset of the property length; moved past the properties.</param>
    /// <param name="properties">The properties, without the length prefix.</param>
    public static bool TrySlice(ReadOnlySpan<byte> body, ref int at, out ReadOnlySpan<byte> properties)
    {
        properties = default;
        if (!MqttFraming.TryReadVariableInt(body[at..], out var length, out var size) || body.Length - at - size < length)
        {
            return false;
        }

        properties = body.Slice(at + size, length);
        at += size + length;
        return true;
    }

    /// <summary>
    /// Decodes an MQTT UTF-8 string: well-formed UTF-8 (no surrogates, no overlong forms) without U+0000, as
    /// section 1.5.4 requires; false otherwise instead of the replacement characters Encoding.UTF8 would produce.
    /// </summary>
    /// <param name="utf8">The string's bytes, without the length prefix.</param>
    /// <param name="value">The string.</param>
    public static bool TryDecodeString(ReadOnlySpan<byte> utf8, out string value)
    {
        value = string.Empty;
        if (!Utf8.IsValid(utf8) || utf8.Contains((byte)0))
        {
            return false;
        }

        value = utf8.IsEmpty ? string.Empty : Encoding.UTF8.GetString(utf8);
        return true;
    }

    /// <summary>Reads the next property identifier; false at the end or when the identifier is a repeat (then <see cref="Error"/> is set).</summary>
    /// <param name="id">The identifier.</param>
    public bool TryReadId(out byte id)
    {
        id = 0;
        if (_at >= _data.Length || Error is not null)
        {
            return false;
        }

        // Identifiers are variable byte integers, but all defined ones fit in one byte: a first byte ≥ 0x80 is an
        // identifier nothing defines, which the caller's switch rejects as unknown.
        id = _id = _data[_at++];
        if (id != MqttPropertyIds.UserProperty && id < 64)
        {
            var bit = 1UL << id;
            if ((_seen & bit) != 0)
            {
                return Fail("appears twice");
            }

            _seen |= bit;
        }

        return true;
    }

    /// <summary>Reads a one-byte value of the current property.</summary>
    /// <param name="value">The value.</param>
    public bool TryReadByte(out byte value)
    {
        value = 0;
        if (_data.Length - _at < 1)
        {
            return Fail("is cut off");
        }

        value = _data[_at++];
        return true;
    }

    /// <summary>Reads a one-byte flag of the current property, which the spec allows to be 0 or 1 only.</summary>
    /// <param name="value">The flag.</param>
    public bool TryReadFlag(out bool value)
    {
        value = false;
        if (!TryReadByte(out var b))
        {
            return false;
        }

        value = b == 1;
        return b <= 1 || Fail($"is {b}, not 0 or 1");
    }

    /// <summary>Reads a two-byte integer of the current property.</summary>
    /// <param name="value">The value.</param>
    public bool TryReadUInt16(out ushort value)
    {
        value = 0;
        if (_data.Length - _at < 2)
        {
            return Fail("is cut off");
        }

        value = MqttFraming.ReadUInt16(_data[_at..]);
        _at += 2;
        return true;
    }

    /// <summary>Reads a four-byte integer of the current property.</summary>
    /// <param name="value">The value.</param>
    public bool TryReadUInt32(out uint value)
    {
        value = 0;
        if (_data.Length - _at < 4)
        {
            return Fail("is cut off");
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(_data[_at..]);
        _at += 4;
        return true;
    }

    /// <summary>Reads a variable byte integer of the current property.</summary>
    /// <param name="value">The value.</param>
    public bool TryReadVariableInt(out int value)
    {
        if (!MqttFraming.TryReadVariableInt(_data[_at..], out value, out var size))
        {
            return Fail("is cut off or malformed");
        }

        _at += size;
        return true;
    }

    /// <summary>Reads a UTF-8 string of the current property.</summary>
    /// <param name="value">The string.</param>
    public bool TryReadString(out string value)
    {
        value = string.Empty;
        if (!TryReadBinary(out var bytes))
        {
            return false;
        }

        return TryDecodeString(bytes, out value) || Fail("is not valid UTF-8");
    }

    /// <summary>Reads binary data (two-byte length, then the bytes) of the current property.</summary>
    /// <param name="value">The bytes, a slice of the packet.</param>
    public bool TryReadBinary(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (_data.Length - _at < 2)
        {
            return Fail("is cut off");
        }

        var length = MqttFraming.ReadUInt16(_data[_at..]);
        if (_data.Length - _at - 2 < length)
        {
            return Fail("is cut off");
        }

        value = _data.Slice(_at + 2, length);
        _at += 2 + length;
        return true;
    }

    /// <summary>Skips the value of a user property (a name and a value string), still checking both are valid UTF-8.</summary>
    public bool TrySkipUserProperty() => TryReadString(out _) && TryReadString(out _);

    /// <summary>Records that the current property has a value the spec forbids; always false.</summary>
    /// <param name="problem">What is wrong, as the end of a sentence ("is 0").</param>
    public bool Fail(string problem)
    {
        Error = $"{_packet}: property 0x{_id:X2} ({MqttPropertyIds.Name(_id)}) {problem}";
        return false;
    }

    /// <summary>Records that the current property may not appear in this packet (or is not defined at all); always false.</summary>
    public bool NotAllowed()
    {
        var name = MqttPropertyIds.Name(_id);
        Error = name == "unknown"
            ? $"{_packet}: unknown property 0x{_id:X2}"
            : $"{_packet}: property 0x{_id:X2} ({name}) is not allowed in this packet";
        return false;
    }
}
