namespace Switchboard;

/// <summary>Envelope ids: a UUID as 32 lowercase hex characters without dashes, as Python's <c>uuid4().hex</c>.</summary>
internal static class EnvelopeIds
{
    /// <summary>Length of an id in characters (and in UTF-8 bytes).</summary>
    public const int Length = 32;

    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>Writes a fresh id as UTF-8 into <paramref name="destination"/> (<see cref="Length"/> bytes), allocating nothing.</summary>
    public static void Write(Span<byte> destination)
    {
        if (!Guid.NewGuid().TryFormat(destination, out var written, "N") || written != Length)
        {
            throw new ArgumentException($"An envelope id needs {Length} bytes.", nameof(destination));
        }
    }
}
