using System.Buffers.Binary;
using System.Diagnostics;

namespace Switchboard.Bench;

/// <summary>The 64-byte benchmark payload: 8-byte sequence number, 8-byte Stopwatch timestamp, zeros.</summary>
public static class Payload
{
    public const int Size = 64;

    public static byte[] Create(long sequence)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, sequence);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), Stopwatch.GetTimestamp());
        return bytes;
    }

    public static long Sequence(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload);

    public static long Timestamp(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);

    public static double MicrosSince(long timestamp) => (Stopwatch.GetTimestamp() - timestamp) * 1_000_000.0 / Stopwatch.Frequency;
}
