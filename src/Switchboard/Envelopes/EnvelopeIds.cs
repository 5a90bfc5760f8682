using System.Security.Cryptography;

namespace Switchboard;

/// <summary>
/// Envelope ids: a random (version 4) UUID as 32 lowercase hex characters without dashes, as Python's
/// <c>uuid4().hex</c>. The randomness is cryptographic — an id names a request its reply must match, so it must not be
/// guessable — but is drawn from the system in blocks per thread: one call to the OS per 16 ids instead of one per id
/// (<see cref="Guid.NewGuid"/> costs more than encoding the rest of an envelope).
/// </summary>
internal static class EnvelopeIds
{
    /// <summary>Length of an id in characters (and in UTF-8 bytes).</summary>
    public const int Length = 32;

    private const int UuidBytes = 16;
    private const int BlockBytes = 16 * UuidBytes;

    [ThreadStatic]
    private static byte[]? t_block;

    [ThreadStatic]
    private static int t_used;

    public static string New()
    {
        Span<byte> uuid = stackalloc byte[UuidBytes];
        NextUuid(uuid);
        return Convert.ToHexStringLower(uuid);
    }

    /// <summary>Writes a fresh id as UTF-8 into <paramref name="destination"/> (<see cref="Length"/> bytes), allocating nothing.</summary>
    public static void Write(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"An envelope id needs {Length} bytes.", nameof(destination));
        }

        Span<byte> uuid = stackalloc byte[UuidBytes];
        NextUuid(uuid);
        var digits = "0123456789abcdef"u8;
        for (var i = 0; i < UuidBytes; i++)
        {
            destination[2 * i] = digits[uuid[i] >> 4];
            destination[(2 * i) + 1] = digits[uuid[i] & 0xF];
        }
    }

    private static void NextUuid(Span<byte> uuid)
    {
        var block = t_block;
        if (block is null || t_used >= BlockBytes)
        {
            block = t_block ??= new byte[BlockBytes];
            RandomNumberGenerator.Fill(block);
            t_used = 0;
        }

        var source = block.AsSpan(t_used, UuidBytes);
        source.CopyTo(uuid);
        // Used once: a copy left in the block could otherwise be handed out again after a fault mid-refill.
        source.Clear();
        t_used += UuidBytes;

        // RFC 4122 version 4 and variant bits, as uuid4() sets them: hex digit 12 is '4', digit 16 one of 8, 9, a, b.
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x40);
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80);
    }
}
