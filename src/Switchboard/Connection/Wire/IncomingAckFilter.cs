namespace Switchboard;

/// <summary>
/// Finds packet boundaries in the bytes read from the broker and takes out the PUBACKs that
/// <see cref="IPublishAcknowledgements"/> claims, so they complete on the receive path directly instead of going
/// through MQTTnet's per-packet dispatch. Everything else passes through unchanged.
/// </summary>
internal sealed class IncomingAckFilter
{
    // Bytes of the current packet still to pass through.
    private long _passThrough;
    private bool _malformed;

    public IPublishAcknowledgements? Acknowledgements { get; set; }

    /// <summary>Bytes of the packet in progress that may be read straight from the socket without looking at them.</summary>
    public long PassThrough => _malformed ? long.MaxValue : _passThrough;

    /// <summary>Accounts for bytes read directly by the caller (at most <see cref="PassThrough"/>).</summary>
    public void Skipped(int count)
    {
        if (!_malformed)
        {
            _passThrough -= count;
        }
    }

    /// <summary>
    /// Filters <paramref name="data"/> (bytes that follow the last call's output, the held bytes first) in place:
    /// kept bytes are moved to the front; <paramref name="held"/> bytes after them begin a packet that cannot be
    /// classified yet and must be offered again, with more data, at the next call.
    /// </summary>
    /// <returns>The number of kept bytes at the front of <paramref name="data"/>.</returns>
    public int Filter(Span<byte> data, out int held)
    {
        held = 0;
        if (_malformed)
        {
            return data.Length;
        }

        var read = 0;
        var write = 0;
        var acknowledgements = Acknowledgements;
        while (read < data.Length)
        {
            if (_passThrough > 0)
            {
                var take = (int)Math.Min(_passThrough, data.Length - read);
                if (write != read)
                {
                    data.Slice(read, take).CopyTo(data[write..]);
                }

                read += take;
                write += take;
                _passThrough -= take;
                continue;
            }

            var status = MqttFraming.TryReadHeader(data[read..], out var first, out var headerLength, out var remaining);
            if (status == MqttFraming.HeaderStatus.Malformed)
            {
                // MQTTnet will reject the stream; from here on we only pass bytes through.
                _malformed = true;
                _passThrough = 0;
                data[read..].CopyTo(data[write..]);
                return write + (data.Length - read);
            }

            if (status == MqttFraming.HeaderStatus.Incomplete)
            {
                break;
            }

            var total = headerLength + remaining;
            if (first >> 4 == MqttFraming.PubAckType && acknowledgements is not null && remaining >= 2 && total <= MaxHeldPacket)
            {
                if (data.Length - read < total)
                {
                    break;
                }

                var body = data.Slice(read + headerLength, remaining);
                var reason = remaining >= 3 ? body[2] : (byte)0;
                var properties = PropertiesOf(body);
                if (acknowledgements.TryAcknowledge(MqttFraming.ReadUInt16(body), reason, properties))
                {
                    read += total;
                    continue;
                }
            }

            _passThrough = total;
        }

        held = data.Length - read;
        if (held > 0 && write != read)
        {
            data[read..].CopyTo(data[write..]);
        }

        return write;
    }

    /// <summary>Largest PUBACK held back for inspection; a larger one (a huge reason string) goes to MQTTnet.</summary>
    public const int MaxHeldPacket = 4096;

    private static ReadOnlySpan<byte> PropertiesOf(ReadOnlySpan<byte> body)
    {
        if (body.Length <= 3 || !MqttFraming.TryReadVariableInt(body[3..], out var length, out var size))
        {
            return default;
        }

        var start = 3 + size;
        return start + length <= body.Length ? body.Slice(start, length) : default;
    }
}
