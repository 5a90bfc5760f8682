namespace Switchboard;

/// <summary>
/// Follows the packet boundaries in the bytes MQTTnet writes, so packets of our own can be put between two of its
/// packets and never inside one (MQTTnet writes a packet's header and payload in separate writes, and may pause
/// between them).
/// </summary>
internal sealed class OutgoingFrameCursor
{
    // Bytes of the current packet still to come after its fixed header.
    private long _remaining;

    // Fixed-header bytes seen so far (0 = at a boundary); the header is read a byte at a time because a write may
    // end anywhere.
    private int _headerBytes;
    private int _length;

    /// <summary>True between two packets.</summary>
    public bool AtBoundary => _headerBytes == 0 && _remaining == 0;

    /// <summary>
    /// Moves over <paramref name="data"/> up to the end of the packet in progress or to the end of the data, whichever
    /// comes first; returns the bytes moved over.
    /// </summary>
    public int Advance(ReadOnlySpan<byte> data)
    {
        var used = 0;
        while (used < data.Length)
        {
            if (_remaining > 0)
            {
                var take = (int)Math.Min(_remaining, data.Length - used);
                _remaining -= take;
                used += take;
                if (_remaining == 0)
                {
                    return used;
                }

                continue;
            }

            var b = data[used++];
            if (_headerBytes == 0)
            {
                _headerBytes = 1;
                _length = 0;
                continue;
            }

            _length |= (b & 0x7F) << (7 * (_headerBytes - 1));
            _headerBytes++;
            if ((b & 0x80) != 0 && _headerBytes <= 4)
            {
                continue;
            }

            // Header complete (a fifth length byte would be malformed; MQTTnet never writes one, so end the header).
            _headerBytes = 0;
            _remaining = _length;
            if (_remaining == 0)
            {
                return used;
            }
        }

        return used;
    }
}
