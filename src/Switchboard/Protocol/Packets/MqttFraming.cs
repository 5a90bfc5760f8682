using System.Buffers.Binary;

namespace Switchboard;

/// <summary>
/// The MQTT fixed header (packet type byte + variable-length remaining length), which is all it takes to find packet
/// boundaries in a byte stream without decoding the packets.
/// </summary>
internal static class MqttFraming
{
    public const byte PublishType = 3;
    public const byte PubAckType = 4;

    /// <summary>Largest remaining length the 4-byte variable integer can express (256 MB).</summary>
    public const int MaxRemainingLength = 268_435_455;

    public enum HeaderStatus
    {
        Complete,
        Incomplete,
        Malformed,
    }

    /// <summary>Reads the fixed header at the start of <paramref name="data"/>.</summary>
    /// <param name="data">Bytes starting at a packet boundary.</param>
    /// <param name="firstByte">Packet type (high nibble) and flags.</param>
    /// <param name="headerLength">Bytes of the fixed header (2–5).</param>
    /// <param name="remainingLength">Bytes that follow the fixed header.</param>
    public static HeaderStatus TryReadHeader(ReadOnlySpan<byte> data, out byte firstByte, out int headerLength, out int remainingLength)
    {
        firstByte = 0;
        headerLength = 0;
        remainingLength = 0;
        if (data.Length < 2)
        {
            return HeaderStatus.Incomplete;
        }

        firstByte = data[0];
        var value = 0;
        for (var i = 1; i <= 4; i++)
        {
            if (i >= data.Length)
            {
                return HeaderStatus.Incomplete;
            }

            var b = data[i];
            value |= (b & 0x7F) << (7 * (i - 1));
            if ((b & 0x80) == 0)
            {
                headerLength = i + 1;
                remainingLength = value;
                return HeaderStatus.Complete;
            }
        }

        return HeaderStatus.Malformed;
    }

    public static int VariableIntSize(int value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };

    /// <summary>Writes <paramref name="value"/> as an MQTT variable byte integer; returns the bytes written.</summary>
    public static int WriteVariableInt(Span<byte> destination, int value)
    {
        var i = 0;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            if (value > 0)
            {
                b |= 0x80;
            }

            destination[i++] = b;
        }
        while (value > 0);
        return i;
    }

    /// <summary>Reads a variable byte integer; false when it is cut off or longer than four bytes.</summary>
    public static bool TryReadVariableInt(ReadOnlySpan<byte> data, out int value, out int length)
    {
        value = 0;
        for (var i = 0; i < 4 && i < data.Length; i++)
        {
            value |= (data[i] & 0x7F) << (7 * i);
            if ((data[i] & 0x80) == 0)
            {
                length = i + 1;
                return true;
            }
        }

        length = 0;
        return false;
    }

    /// <summary>The reason string (property 0x1F) among the properties of a PUBACK, or null.</summary>
    public static string? ReasonString(ReadOnlySpan<byte> properties)
    {
        // A PUBACK may only carry a reason string (0x1F) and user properties (0x26, two strings each).
        var at = 0;
        while (at < properties.Length)
        {
            var id = properties[at++];
            if (id is not (0x1F or 0x26) || !TryReadString(properties, ref at, out var value))
            {
                return null;
            }

            if (id == 0x1F)
            {
                return value;
            }

            if (!TryReadString(properties, ref at, out _))
            {
                return null;
            }
        }

        return null;
    }

    private static bool TryReadString(ReadOnlySpan<byte> data, ref int at, out string value)
    {
        value = string.Empty;
        if (data.Length - at < 2)
        {
            return false;
        }

        var length = ReadUInt16(data[at..]);
        if (data.Length - at - 2 < length)
        {
            return false;
        }

        value = System.Text.Encoding.UTF8.GetString(data.Slice(at + 2, length));
        at += 2 + length;
        return true;
    }

    public static ushort ReadUInt16(ReadOnlySpan<byte> data) => BinaryPrimitives.ReadUInt16BigEndian(data);
}
