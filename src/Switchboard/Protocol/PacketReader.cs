namespace Switchboard;

/// <summary>What the <see cref="PacketReader"/> hands each complete packet to.</summary>
internal interface IPacketSink
{
    /// <summary>
    /// Called on the read loop, in arrival order, with each complete packet. The body is valid only during the call.
    /// A returned task that is not complete makes the reader wait before it handles the next packet (backpressure);
    /// it must not fault. A protocol violation is thrown as <see cref="MqttProtocolViolationException"/>: the read
    /// loop ends with it and the connection is lost.
    /// </summary>
    ValueTask OnPacket(byte firstByte, ReadOnlySpan<byte> body);

    /// <summary>Called when the reader is about to wait: a read's packets have all been handled and it waits for the
    /// network, or a handler is busy and it waits for that.</summary>
    void OnIdle();
}

/// <summary>The broker broke the protocol; the connection is closed with this as the reason.</summary>
internal sealed class MqttProtocolViolationException(string message) : IOException(message);

/// <summary>
/// The read side of one connection: one read fills a buffer with as many packets as have arrived, and each complete
/// packet is handed to the <see cref="IPacketSink"/> where it lies (no copy, no per-packet object). A packet larger
/// than the buffer is gathered into an array that grows as its bytes actually arrive, so a length field that claims
/// 256 MB costs nothing until the bytes are there. While one read's packets are handled the transport is corked, so
/// the acknowledgements they cause leave in one write. The buffer starts small (an idle connection, of which a gateway
/// may hold thousands, keeps only <see cref="InitialBufferSize"/> bytes) and doubles up to <see cref="BufferSize"/>
/// when a read fills it or a packet does not fit; a busy connection reaches the full size within a few reads and
/// keeps it.
/// </summary>
internal sealed class PacketReader
{
    /// <summary>The largest the read buffer grows; a packet above it is gathered into its own array.</summary>
    internal const int BufferSize = 64 * 1024;

    /// <summary>The read buffer of a new connection.</summary>
    internal const int InitialBufferSize = 2 * 1024;

    private readonly CoalescingStream _stream;
    private readonly IPacketSink _sink;
    private readonly int _maximumPacketSize;
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;

    /// <param name="stream">The transport.</param>
    /// <param name="sink">Where packets go.</param>
    /// <param name="maximumPacketSize">Largest packet accepted from the broker (what the client announces).</param>
    public PacketReader(CoalescingStream stream, IPacketSink sink, int maximumPacketSize)
    {
        _stream = stream;
        _sink = sink;
        _maximumPacketSize = maximumPacketSize;
    }

    /// <summary>The read buffer's current size (for tests).</summary>
    internal int BufferLength => _buffer.Length;

    /// <summary>Bytes received so far; read by the keep-alive watchdog on another thread.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    private long _bytesReceived;

    /// <summary>True while a packet is being handled (or its handler awaited): the reader is not reading then.</summary>
    public bool IsHandling => Volatile.Read(ref _handling);

    private bool _handling;

    /// <summary>Reads and hands out packets until the transport closes (returns) or fails (throws).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await HandleBufferedAsync().ConfigureAwait(false);
            _sink.OnIdle();
            if (_start > 0)
            {
                // The start of a packet not yet complete moves to the front before the buffer is refilled.
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            var status = MqttFraming.TryReadHeader(_buffer.AsSpan(0, _end), out var first, out var headerLength, out var remaining);
            if (status == MqttFraming.HeaderStatus.Complete && headerLength + remaining > _buffer.Length)
            {
                if (headerLength + remaining > BufferSize)
                {
                    await GatherLargeAsync(first, headerLength, remaining, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                Grow(headerLength + remaining);
            }

            var free = _buffer.Length - _end;
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (_end > 0)
                {
                    throw new IOException($"The broker closed the connection in the middle of a packet ({_end} bytes of it had arrived).");
                }

                return;
            }

            _end += read;
            Volatile.Write(ref _bytesReceived, _bytesReceived + read);
            if (read == free && _buffer.Length < BufferSize)
            {
                // The read filled the buffer: more is probably waiting, so the next reads get more room.
                Grow(2 * _buffer.Length);
            }
        }
    }

    private void Grow(int atLeast)
    {
        var size = _buffer.Length;
        while (size < atLeast)
        {
            size *= 2;
        }

        var grown = new byte[Math.Min(size, BufferSize)];
        _buffer.AsSpan(_start, _end - _start).CopyTo(grown);
        _end -= _start;
        _start = 0;
        _buffer = grown;
    }

    private async ValueTask HandleBufferedAsync()
    {
        var corked = false;
        try
        {
            while (true)
            {
                var status = MqttFraming.TryReadHeader(_buffer.AsSpan(_start, _end - _start), out var first, out var headerLength, out var remaining);
                if (status == MqttFraming.HeaderStatus.Malformed)
                {
                    throw new MqttProtocolViolationException("The broker sent a packet whose remaining length is longer than four bytes.");
                }

                if (status == MqttFraming.HeaderStatus.Incomplete)
                {
                    return;
                }

                CheckSize(headerLength + remaining);
                if (_end - _start < headerLength + remaining)
                {
                    return;
                }

                if (!corked)
                {
                    _stream.Cork();
                    corked = true;
                }

                Volatile.Write(ref _handling, true);
                var wait = _sink.OnPacket(first, _buffer.AsSpan(_start + headerLength, remaining));
                _start += headerLength + remaining;
                if (!wait.IsCompletedSuccessfully)
                {
                    // A handler is busy: what the packets so far caused goes out before we wait for it.
                    _sink.OnIdle();
                    corked = false;
                    await _stream.UncorkAsync().ConfigureAwait(false);
                    await wait.ConfigureAwait(false);
                }

                Volatile.Write(ref _handling, false);
            }
        }
        finally
        {
            if (corked)
            {
                await _stream.UncorkAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task GatherLargeAsync(byte first, int headerLength, int remaining, CancellationToken cancellationToken)
    {
        // Grows with what has arrived, never straight to the size the header claims.
        var body = new byte[Math.Min(remaining, 4 * BufferSize)];
        var filled = _end - headerLength;
        _buffer.AsSpan(headerLength, filled).CopyTo(body);
        _start = _end = 0;
        while (filled < remaining)
        {
            if (filled == body.Length)
            {
                Array.Resize(ref body, (int)Math.Min(remaining, 2L * body.Length));
            }

            var read = await _stream.ReadAsync(body.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"The broker closed the connection in the middle of a {headerLength + remaining}-byte packet ({headerLength + filled} bytes of it had arrived).");
            }

            filled += read;
            Volatile.Write(ref _bytesReceived, _bytesReceived + read);
        }

        _stream.Cork();
        Volatile.Write(ref _handling, true);
        try
        {
            await _sink.OnPacket(first, body).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _handling, false);
            await _stream.UncorkAsync().ConfigureAwait(false);
        }
    }

    private void CheckSize(int total)
    {
        if (total > _maximumPacketSize)
        {
            throw new MqttProtocolViolationException($"The broker sent a {total}-byte packet; this client accepts at most {_maximumPacketSize} bytes.");
        }
    }
}
