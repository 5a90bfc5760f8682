namespace Switchboard;

/// <summary>
/// Finds packet boundaries in the bytes read from the broker and takes out the PUBACKs that
/// <see cref="IPublishAcknowledgements"/> claims and the QoS 0/1 PUBLISHes <see cref="IIncomingPublishes"/> takes, so
/// they are handled on the receive path directly instead of going through MQTTnet's per-packet objects, queue and
/// thread hop. Everything else passes through unchanged.
/// </summary>
internal sealed class IncomingAckFilter
{
    /// <summary>A PUBLISH up to this size is decoded where it lies in the read buffer; a larger one is gathered first.</summary>
    public const int InlinePublish = 16 * 1024;

    // Bytes of the current packet still to pass through.
    private long _passThrough;
    private bool _malformed;

    // A large PUBLISH being gathered: its first byte, its body, and how much of the body has arrived.
    private byte _largeFirst;
    private byte[]? _large;
    private int _largeFilled;

    // Backpressure from the last PUBLISH taken: reading must wait for it before going on.
    private ValueTask _wait;
    private bool _waiting;

    public IPublishAcknowledgements? Acknowledgements { get; set; }

    public IIncomingPublishes? Publishes { get; set; }

    /// <summary>True when the bytes held back must be filtered again (after <see cref="TakeWait"/>) before reading more.</summary>
    public bool IsWaiting => _waiting;

    /// <summary>The wait the last taken PUBLISH asked for; the held bytes are then filtered again.</summary>
    public ValueTask TakeWait()
    {
        var wait = _wait;
        _wait = default;
        _waiting = false;
        return wait;
    }

    /// <summary>Bytes of the packet in progress that may be read straight from the socket without looking at them.</summary>
    public long PassThrough => _malformed ? long.MaxValue : _large is null ? _passThrough : 0;

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
        var publishes = Publishes;
        while (read < data.Length && !_waiting)
        {
            if (_large is not null)
            {
                var take = Math.Min(_large.Length - _largeFilled, data.Length - read);
                data.Slice(read, take).CopyTo(_large.AsSpan(_largeFilled));
                _largeFilled += take;
                read += take;
                if (_largeFilled == _large.Length)
                {
                    var body = _large;
                    _large = null;
                    Take(publishes!, _largeFirst, body, throwIfMalformed: true);
                }

                continue;
            }

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

            if (first >> 4 == MqttFraming.PublishType && ((first >> 1) & 0x03) < 2 && publishes is not null)
            {
                if (total > InlinePublish)
                {
                    // Gathered into its own array over as many reads as it takes, then decoded.
                    _largeFirst = first;
                    _large = new byte[remaining];
                    _largeFilled = 0;
                    read += headerLength;
                    continue;
                }

                if (data.Length - read < total)
                {
                    break;
                }

                if (Take(publishes, first, data.Slice(read + headerLength, remaining), throwIfMalformed: false))
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

    private bool Take(IIncomingPublishes publishes, byte first, ReadOnlySpan<byte> body, bool throwIfMalformed)
    {
        if (!publishes.TryTake(first, body, out var wait))
        {
            // Malformed: left to MQTTnet, which closes the connection with its own diagnosis; a gathered packet is
            // no longer in the stream to leave, so the read fails instead.
            return throwIfMalformed ? throw new IOException("The broker sent a malformed PUBLISH packet.") : false;
        }

        if (!wait.IsCompletedSuccessfully)
        {
            _wait = wait;
            _waiting = true;
        }

        return true;
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
