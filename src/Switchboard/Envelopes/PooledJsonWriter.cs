using System.Buffers;
using System.Text.Json;

namespace Switchboard;

/// <summary>
/// A JSON writer and its buffer, kept per thread between envelope encodes: encoding then allocates only the exact-size
/// payload array. Rent and return in a pair; a nested encode on the same thread (a converter that publishes) simply
/// gets a fresh one.
/// </summary>
internal sealed class PooledJsonWriter
{
    // A buffer grown by one huge envelope is not kept: a thread should not pin megabytes for its lifetime.
    private const int MaxRetainedBytes = 64 * 1024;

    private static readonly JsonWriterOptions Options = new() { Indented = false, SkipValidation = true };

    [ThreadStatic]
    private static PooledJsonWriter? t_cached;

    private PooledJsonWriter()
    {
        Buffer = new ArrayBufferWriter<byte>(256);
        Writer = new Utf8JsonWriter(Buffer, Options);
    }

    public ArrayBufferWriter<byte> Buffer { get; }

    public Utf8JsonWriter Writer { get; }

    public static PooledJsonWriter Rent()
    {
        var writer = t_cached;
        if (writer is null)
        {
            return new PooledJsonWriter();
        }

        t_cached = null;
        return writer;
    }

    public static void Return(PooledJsonWriter writer)
    {
        if (writer.Buffer.Capacity > MaxRetainedBytes)
        {
            return;
        }

        writer.Buffer.ResetWrittenCount();
        writer.Writer.Reset(writer.Buffer);
        t_cached = writer;
    }
}
