using System.Buffers;
using System.IO.Pipelines;

namespace Switchboard.Tests.Protocol.Fakes;

/// <summary>
/// One end of an in-memory duplex connection: reads what the other end wrote to <c>incoming</c>, writes to
/// <c>outgoing</c>. Disposing it closes its sending direction (the other end reads end-of-stream) and ends its reads.
/// The pipes have no back-pressure, so a write never waits: a peer that stops reading looks like a half-open TCP
/// connection whose send buffer still has room.
/// </summary>
internal sealed class PipeStream(PipeReader incoming, PipeWriter outgoing) : Stream
{
    private readonly Lock _lock = new();
    private bool _disposed;

    public static PipeOptions Unbounded { get; } = new(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public bool IsDisposed
    {
        get
        {
            lock (_lock)
            {
                return _disposed;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var result = await incoming.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled && IsDisposed)
            {
                await incoming.CompleteAsync().ConfigureAwait(false);
                throw new ObjectDisposedException(nameof(PipeStream));
            }

            var available = result.Buffer;
            if (available.IsEmpty)
            {
                incoming.AdvanceTo(available.End);
                if (result.IsCompleted)
                {
                    return 0;
                }

                continue;
            }

            var count = (int)Math.Min(buffer.Length, available.Length);
            available.Slice(0, count).CopyTo(buffer.Span);
            incoming.AdvanceTo(available.GetPosition(count));
            return count;
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                throw new IOException("The connection is closed.");
            }

            outgoing.Write(buffer.Span);

            // Unbounded pipe: the flush completes at once, so it can stay under the lock that orders it with Dispose.
            var flush = outgoing.FlushAsync(CancellationToken.None);
            if (!flush.IsCompleted)
            {
                throw new InvalidOperationException("An unbounded pipe's flush did not complete synchronously.");
            }

            if (flush.Result.IsCompleted)
            {
                // The peer stopped reading for good (it closed its end).
                throw new IOException("The connection was reset by the peer.");
            }
        }

        return ValueTask.CompletedTask;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                outgoing.Complete();
            }

            incoming.CancelPendingRead();
        }

        base.Dispose(disposing);
    }
}
