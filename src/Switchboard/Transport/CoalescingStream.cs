using System.Buffers;

namespace Switchboard;

/// <summary>
/// The byte transport of one connection (a TCP <see cref="System.Net.Sockets.NetworkStream"/>, an
/// <see cref="System.Net.Security.SslStream"/> or a WebSocket stream), built to put many MQTT packets into one write.
/// A write only appends to a buffer when the stream is corked (the publish pump corks while it sends a batch, the
/// receive path while it handles one read's packets) or when a flush is already running (the flush picks the bytes
/// up); otherwise the writer flushes at once, so a lone packet is not delayed. Writes to the inner stream are strictly
/// serialized; a failed write is remembered and rethrown to the next writer. Reads go straight to the inner stream:
/// the session engine's <see cref="PacketReader"/> owns the read buffer. A WebSocket read is capped at
/// <see cref="WebSocketReadChunk"/> bytes (see there why).
/// </summary>
internal sealed class CoalescingStream : IDisposable
{
    // Above this many buffered bytes a writer waits for the socket: a slow network must push back, not grow memory.
    private const int HighWater = 1024 * 1024;

    /// <summary>
    /// The most one read asks of a WebSocket transport. .NET's WebSocket returns from a receive only when the buffer it
    /// was given is full or the frame ends, so a 256 KB read under a large frame from a slow link (Mosquitto 2.0's
    /// WebSocket listener sends 4 KB per 100 ms) shows no bytes for seconds, and the keep-alive watchdog, which counts
    /// arriving bytes as a sign of life while a PINGRESP waits behind the frame, would call a live link dead. TCP and
    /// TLS reads return what has arrived and are not capped.
    /// </summary>
    public const int WebSocketReadChunk = 4 * 1024;

    private readonly Stream _inner;
    private readonly int _maxRead;
    private readonly Lock _lock = new();
    // Allocated at the first write and grown to the largest batch seen (then kept): an idle connection holds a few
    // hundred bytes, not a preallocated batch buffer.
    private ArrayBufferWriter<byte> _pending = new();
    private ArrayBufferWriter<byte> _sending = new();
    private int _corks;
    private bool _flushing;
    private TaskCompletionSource? _drained;
    private Exception? _error;
    private bool _disposed;

    /// <param name="inner">The connected transport (owned by this stream).</param>
    public CoalescingStream(Stream inner)
    {
        _inner = inner;
        _maxRead = inner is System.Net.WebSockets.WebSocketStream ? WebSocketReadChunk : int.MaxValue;
    }

    /// <summary>Writes made to the inner stream so far (for measurements).</summary>
    public long SocketWrites { get; private set; }

    /// <summary>Holds writes back until the matching <see cref="UncorkAsync"/>; corks nest.</summary>
    public void Cork()
    {
        lock (_lock)
        {
            _corks++;
        }
    }

    /// <summary>Releases one cork; the last one sends everything buffered in as few writes as possible.</summary>
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

    /// <summary>
    /// Writes one complete MQTT packet (<paramref name="head"/> then <paramref name="body"/>). Buffered while corked
    /// or while a flush runs; a buffer above the high-water mark makes the writer wait for the network.
    /// </summary>
    /// <param name="head">The packet's first bytes (fixed and variable header, or all of a small packet).</param>
    /// <param name="body">The rest (a publish's payload, written as it is).</param>
    /// <param name="urgent">Send even while corked (a PINGREQ must leave while a handler holds the receive path).</param>
    public ValueTask WritePacketAsync(ReadOnlySpan<byte> head, ReadOnlySpan<byte> body, bool urgent = false)
    {
        Task? wait = null;
        var start = false;
        lock (_lock)
        {
            ThrowIfBroken();
            _pending.Write(head);
            _pending.Write(body);
            if (_flushing)
            {
                // The running flush takes these bytes with its next write; only a full buffer makes us wait.
                if (_pending.WrittenCount > HighWater)
                {
                    _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _drained.Task;
                }
            }
            else if (_corks == 0 || urgent)
            {
                _flushing = true;
                start = true;
            }
        }

        if (wait is not null)
        {
            return new ValueTask(wait);
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

    /// <summary>Reads from the transport (the engine's read loop is the only reader).</summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _inner.ReadAsync(buffer.Length > _maxRead ? buffer[.._maxRead] : buffer, cancellationToken);

    /// <summary>Completes when everything written so far has been handed to the transport.</summary>
    public Task WhenDrainedAsync()
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

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _error ??= new ObjectDisposedException(nameof(CoalescingStream));
            _pending.Clear();
        }

        try
        {
            _inner.Dispose();
        }
        catch (Exception)
        {
            // Disposing a broken TLS or WebSocket stream can throw from its socket; nothing is left to clean up.
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
                await _inner.WriteAsync(_sending.WrittenMemory).ConfigureAwait(false);
                SocketWrites++;
            }
            catch (Exception ex)
            {
                lock (_lock)
                {
                    _error ??= ex;
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
        if (_error is ObjectDisposedException || _disposed)
        {
            throw new IOException("The connection is closed.");
        }

        if (_error is not null)
        {
            throw new IOException($"The connection failed while sending: {_error.Message}", _error);
        }
    }
}
