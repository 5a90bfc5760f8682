namespace Switchboard.Tests.Protocol.Fakes;

/// <summary>
/// A read-only stream that hands out its chunks one per read (never more than asked for), then end-of-stream. Reads
/// complete synchronously, so a reader driven by it runs entirely on the calling thread.
/// </summary>
internal sealed class ScriptedReadStream(IEnumerable<ReadOnlyMemory<byte>> chunks) : Stream
{
    private readonly IEnumerator<ReadOnlyMemory<byte>> _chunks = chunks.GetEnumerator();
    private ReadOnlyMemory<byte> _current;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Every read of one byte.</summary>
    public static ScriptedReadStream ByteByByte(byte[] data) => new(Enumerable.Range(0, data.Length).Select(i => new ReadOnlyMemory<byte>(data, i, 1)));

    /// <summary>Reads of at most <paramref name="size"/> bytes.</summary>
    public static ScriptedReadStream InChunks(byte[] data, int size) => new(data.Chunk(size).Select(c => new ReadOnlyMemory<byte>(c)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current.IsEmpty)
        {
            if (!_chunks.MoveNext())
            {
                return ValueTask.FromResult(0);
            }

            _current = _chunks.Current;
        }

        var count = Math.Min(buffer.Length, _current.Length);
        _current[..count].CopyTo(buffer);
        _current = _current[count..];
        return ValueTask.FromResult(count);
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count)
    {
        // The reader's acknowledgements would go here; none of these tests sends any.
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
