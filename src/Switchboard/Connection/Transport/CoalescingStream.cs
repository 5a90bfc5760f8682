using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using MQTTnet.Channel;

namespace Switchboard;

/// <summary>
/// The TCP stream under MQTTnet, built to put many MQTT packets into one socket write. MQTTnet writes every packet
/// separately (header and payload even in two writes); MQTT.js and mosquitto coalesce. Here a write only appends to
/// a buffer when the stream is corked (the publish pump corks while it sends a batch, the dispatcher while it
/// acknowledges one) or when a flush is already running (the flush picks the bytes up); otherwise the writer flushes
/// at once, so a lone packet is not delayed. Socket writes are strictly serialized; a failed write is remembered and
/// rethrown to the next writer, and the read side fails with it, so MQTTnet sees a dead connection as usual.
/// </summary>
internal sealed class CoalescingStream : Stream, IMqttClientStreamEndPoints
{
    private const int InitialBuffer = 16 * 1024;

    // Above this many buffered bytes a writer waits for the socket: a slow network must push back, not grow memory.
    private const int HighWater = 1024 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly Lock _lock = new();
    private ArrayBufferWriter<byte> _pending = new(InitialBuffer);
    private ArrayBufferWriter<byte> _sending = new(InitialBuffer);
    private const int ReadAhead = 64 * 1024;

    // Reads come from one reader at a time (MQTTnet's receive loop), so the read-ahead needs no lock.
    private readonly byte[] _readBuffer = new byte[ReadAhead];
    private int _readStart;

    // MQTTnet may read up to here; [_readEnd, _rawEnd) is held back: the start of a packet not yet classifiable.
    private int _readEnd;
    private int _rawEnd;

    // Set on a packet-aware stream (plain TCP: the bytes here are MQTT packets, not TLS records).
    private readonly IncomingAckFilter? _incoming;
    private readonly OutgoingFrameCursor? _outgoing;

    // Packets of our own written while MQTTnet was inside one of its packets: they follow it.
    private readonly ArrayBufferWriter<byte> _injected = new(256);
    private int _corks;
    private bool _flushing;
    private TaskCompletionSource? _drained;
    private Exception? _error;
    private bool _disposed;

    /// <param name="socket">The connected socket (owned by the stream).</param>
    /// <param name="packetAware">The stream carries MQTT packets as they are (no TLS on top): packets of our own can
    /// be written (<see cref="WritePacketAsync"/>) and our PUBACKs taken out (<see cref="Acknowledgements"/>).</param>
    public CoalescingStream(Socket socket, bool packetAware = false)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        if (packetAware)
        {
            _incoming = new IncomingAckFilter();
            _outgoing = new OutgoingFrameCursor();
        }
    }

    /// <summary>True when <see cref="WritePacketAsync"/> and <see cref="Acknowledgements"/> may be used.</summary>
    public bool IsPacketAware => _outgoing is not null;

    /// <summary>Where QoS 0/1 PUBLISH packets from the broker go instead of to MQTTnet (packet-aware streams only); set
    /// before the connection is made, so no message can take the other path and overtake.</summary>
    public IIncomingPublishes? Publishes
    {
        get => _incoming?.Publishes;
        set => (_incoming ?? throw new InvalidOperationException("The stream is not packet-aware.")).Publishes = value;
    }

    /// <summary>Where the PUBACKs of packets written with <see cref="WritePacketAsync"/> go (packet-aware streams only).</summary>
    public IPublishAcknowledgements? Acknowledgements
    {
        get => _incoming?.Acknowledgements;
        set => (_incoming ?? throw new InvalidOperationException("The stream is not packet-aware.")).Acknowledgements = value;
    }

    public EndPoint? LocalEndPoint => _socket.LocalEndPoint;

    public EndPoint? RemoteEndPoint => _socket.RemoteEndPoint;

    /// <summary>Socket writes made so far (for measurements).</summary>
    public long SocketWrites { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Holds writes back until the matching <see cref="UncorkAsync"/>; corks nest.</summary>
    public void Cork()
    {
        lock (_lock)
        {
            _corks++;
        }
    }

    /// <summary>Releases one cork; the last one sends everything buffered in as few socket writes as possible.</summary>
    public ValueTask UncorkAsync()
    {
        lock (_lock)
        {
            _corks = Math.Max(0, _corks - 1);
            if (_corks > 0 || _pending.WrittenCount == 0 || _flushing || _error is not null)
            {
                return ValueTask.CompletedTask;
            }

            _flushing = true;
        }

        return new ValueTask(FlushLoopAsync());
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Append(buffer.Span, cancellationToken);

    /// <summary>
    /// Writes one complete MQTT packet of our own (<paramref name="head"/> then <paramref name="body"/>), between
    /// MQTTnet's packets: after the one it is writing, if any. Same buffering and backpressure as
    /// <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.
    /// </summary>
    public ValueTask WritePacketAsync(ReadOnlySpan<byte> head, ReadOnlySpan<byte> body, CancellationToken cancellationToken = default) =>
        _outgoing is null ? throw new InvalidOperationException("The stream is not packet-aware.") : Append(head, cancellationToken, body, own: true);

    private ValueTask Append(ReadOnlySpan<byte> data, CancellationToken cancellationToken, ReadOnlySpan<byte> body = default, bool own = false)
    {
        Task? wait = null;
        var start = false;
        lock (_lock)
        {
            ThrowIfBroken();
            if (own)
            {
                var target = _outgoing!.AtBoundary ? _pending : _injected;
                target.Write(data);
                target.Write(body);
            }
            else if (_outgoing is null)
            {
                _pending.Write(data);
            }
            else
            {
                AppendTracked(data);
            }

            if (_flushing)
            {
                // The running flush takes these bytes with its next write; only a full buffer makes us wait.
                if (_pending.WrittenCount > HighWater)
                {
                    _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _drained.Task;
                }
            }
            else if (_corks == 0 && _pending.WrittenCount > 0)
            {
                _flushing = true;
                start = true;
            }
        }

        if (wait is not null)
        {
            return new ValueTask(wait.WaitAsync(cancellationToken));
        }

        if (!start)
        {
            return ValueTask.CompletedTask;
        }

        // No flush was running and nothing is corked: send now, on this writer's own time, so a lone packet is not
        // delayed by a thread hop.
        var flush = FlushLoopAsync();
        return flush.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(flush);
    }

    // Appends MQTTnet's bytes packet by packet, letting our waiting packets in at each boundary.
    private void AppendTracked(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var used = _outgoing!.Advance(data);
            _pending.Write(data[..used]);
            data = data[used..];
            if (_outgoing.AtBoundary && _injected.WrittenCount > 0)
            {
                _pending.Write(_injected.WrittenSpan);
                _injected.Clear();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => WhenDrainedAsync();

    public override void Flush()
    {
    }

    /// <summary>
    /// Reads through a read-ahead buffer: MQTTnet reads each packet's fixed header and body separately, two system
    /// calls per packet; one socket read here fills the buffer with as many packets as have arrived. On a
    /// packet-aware stream the PUBACKs of our own publishes are taken out of the buffer before MQTTnet sees it.
    /// </summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readEnd > _readStart)
        {
            return ValueTask.FromResult(CopyBuffered(buffer.Span));
        }

        // A large read (the body of a large packet) goes straight to the caller's buffer; a small one refills ours.
        if (buffer.Length >= ReadAhead && _rawEnd == _readEnd && _incoming is not { IsWaiting: true })
        {
            if (_incoming is null)
            {
                return _network.ReadAsync(buffer, cancellationToken);
            }

            if (_incoming.PassThrough >= buffer.Length)
            {
                return ReadDirectAsync(buffer, cancellationToken);
            }
        }

        return FillAndCopyAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        while (_readEnd == _readStart)
        {
            if (_incoming is { IsWaiting: true })
            {
                _incoming.TakeWait().AsTask().GetAwaiter().GetResult();
                Received(0).AsTask().GetAwaiter().GetResult();
                continue;
            }

            var free = PrepareFill();
            var read = _network.Read(_readBuffer, _rawEnd, free);
            if (read == 0)
            {
                return 0;
            }

            Received(read).AsTask().GetAwaiter().GetResult();
        }

        return CopyBuffered(buffer.AsSpan(offset, count));
    }

    private async ValueTask<int> ReadDirectAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await _network.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _incoming!.Skipped(read);
        return read;
    }

    // Pooled: a connection's read loop waits here once per burst of packets, and each wait would otherwise allocate
    // its state machine (MQTTnet awaits the returned task exactly once, as the pooling builder requires).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> FillAndCopyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        // A read that brought only acknowledgements of ours leaves nothing for MQTTnet: read again (returning 0
        // would tell MQTTnet the connection closed).
        while (_readEnd == _readStart)
        {
            if (_incoming is { IsWaiting: true })
            {
                // A handler's queue was full: read nothing more until it has room (the held bytes are filtered again).
                await _incoming.TakeWait().ConfigureAwait(false);
                await Received(0).ConfigureAwait(false);
                continue;
            }

            var free = PrepareFill();
            var read = await _network.ReadAsync(_readBuffer.AsMemory(_rawEnd, free), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return 0;
            }

            await Received(read).ConfigureAwait(false);
        }

        return CopyBuffered(buffer.Span);
    }

    /// <summary>Moves held-back bytes (the start of a packet not yet complete) to the front; returns the free space after them.</summary>
    private int PrepareFill()
    {
        // Emptied before the read: a failed or cancelled read must not leave old bytes to be returned again.
        var held = _rawEnd - _readEnd;
        if (held > 0 && _readEnd > 0)
        {
            _readBuffer.AsSpan(_readEnd, held).CopyTo(_readBuffer);
        }

        _readStart = _readEnd = 0;
        _rawEnd = held;
        return _readBuffer.Length - held;
    }

    /// <summary>Takes in <paramref name="count"/> bytes just read; completes once the replies they caused are written.</summary>
    private ValueTask Received(int count)
    {
        var end = _rawEnd + count;
        if (_incoming is null)
        {
            _readEnd = _rawEnd = end;
            return ValueTask.CompletedTask;
        }

        // The messages of one read are handled in place, one after another, and each is acknowledged when its
        // handlers return: corked, their PUBACKs leave in one socket write instead of one each.
        Cork();
        try
        {
            var kept = _incoming.Filter(_readBuffer.AsSpan(_readEnd, end - _readEnd), out var held);
            _readEnd += kept;
            _rawEnd = _readEnd + held;
        }
        catch
        {
            // The read fails and the connection with it: nothing more is worth sending, only the cork is released.
            lock (_lock)
            {
                _corks = Math.Max(0, _corks - 1);
            }

            throw;
        }

        return UncorkAsync();
    }

    private int CopyBuffered(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _readEnd - _readStart);
        _readBuffer.AsSpan(_readStart, count).CopyTo(destination);
        _readStart += count;
        return count;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Task? flush = null;
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                _corks = 0;
                if (!_flushing && _pending.WrittenCount > 0 && _error is null)
                {
                    _flushing = true;
                    flush = Task.CompletedTask;
                }
            }

            // Whatever MQTTnet wrote last (above all a DISCONNECT, which tells the broker to discard the will) must
            // reach the socket before it closes. Stream.Dispose is synchronous by contract, so this waits, bounded:
            // a dead peer cannot take the bytes anyway.
            try
            {
                (flush is null ? WhenDrainedAsync() : FlushLoopAsync()).Wait(TimeSpan.FromSeconds(1));
            }
            catch (AggregateException)
            {
            }

            _network.Dispose();
        }

        base.Dispose(disposing);
    }

    private Task WhenDrainedAsync()
    {
        lock (_lock)
        {
            if (!_flushing)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    private async Task FlushLoopAsync()
    {
        // Runs until nothing is pending; writers append meanwhile and the next round sends all of it at once.
        while (true)
        {
            TaskCompletionSource? drained = null;
            var done = false;
            lock (_lock)
            {
                if (_pending.WrittenCount == 0 || _error is not null)
                {
                    done = true;
                    _flushing = false;
                    drained = _drained;
                    _drained = null;
                }
                else
                {
                    (_pending, _sending) = (_sending, _pending);
                }
            }

            if (done)
            {
                drained?.TrySetResult();
                return;
            }

            try
            {
                await _network.WriteAsync(_sending.WrittenMemory).ConfigureAwait(false);
                SocketWrites++;
            }
            catch (Exception ex)
            {
                lock (_lock)
                {
                    _error = ex;
                    _flushing = false;
                    _pending.Clear();
                    drained = _drained;
                    _drained = null;
                }

                drained?.TrySetResult();
                throw;
            }
            finally
            {
                _sending.Clear();
            }
        }
    }

    private void ThrowIfBroken()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_error is not null)
        {
            throw new IOException($"The connection failed while sending: {_error.Message}", _error);
        }
    }
}
