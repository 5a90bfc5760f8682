using System.Buffers.Binary;
using System.Text;

namespace Switchboard;

/// <summary>
/// One record of the outbox log: <c>[u32 body length][u32 CRC-32 of body][body]</c>, where the body is a kind byte,
/// a 64-bit message id, and for a put the message itself. Little-endian throughout.
/// </summary>
internal static class OutboxRecord
{
    public const int HeaderSize = 8;
    public const byte Put = 1;
    public const byte Ack = 2;

    /// <summary>Largest body accepted when reading; anything larger is corruption, not a message.</summary>
    public const int MaxBodySize = 512 * 1024 * 1024;

    public static byte[] EncodePut(long id, OutgoingMessage message)
    {
        var topic = Encoding.UTF8.GetBytes(message.Topic);
        var responseTopic = message.ResponseTopic is null ? [] : Encoding.UTF8.GetBytes(message.ResponseTopic);
        var contentType = message.ContentType is null ? [] : Encoding.UTF8.GetBytes(message.ContentType);
        var correlation = message.CorrelationData.Span;
        var bodyLength = 1 + 8 + 1 + 1 + 2 + topic.Length + 4 + message.Payload.Length + 2 + responseTopic.Length + 2 + contentType.Length + 2 + correlation.Length;
        var record = new byte[HeaderSize + bodyLength];
        var body = record.AsSpan(HeaderSize);
        var w = new SpanWriter(body);
        w.Byte(Put);
        w.Int64(id);
        w.Byte((byte)message.Qos);
        w.Byte(message.Retain ? (byte)1 : (byte)0);
        w.Bytes16(topic);
        w.Int32(message.Payload.Length);
        w.Raw(message.Payload.Span);
        w.Bytes16(responseTopic);
        w.Bytes16(contentType);
        w.Bytes16(correlation);
        WriteHeader(record, bodyLength);
        return record;
    }

    public static byte[] EncodeAck(long id)
    {
        var record = new byte[HeaderSize + 9];
        record[HeaderSize] = Ack;
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(HeaderSize + 1), id);
        WriteHeader(record, 9);
        return record;
    }

    /// <summary>Decodes a body; false when it is not a well-formed record.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, out byte kind, out long id, out OutgoingMessage? message)
    {
        kind = 0;
        id = 0;
        message = null;
        try
        {
            var r = new SpanReader(body);
            kind = r.Byte();
            id = r.Int64();
            if (kind == Ack)
            {
                return r.AtEnd;
            }

            if (kind != Put)
            {
                return false;
            }

            var qos = (Qos)r.Byte();
            var retain = r.Byte() != 0;
            var topic = Encoding.UTF8.GetString(r.Bytes16());
            var payload = r.Raw(r.Int32()).ToArray();
            var responseTopic = r.Bytes16();
            var contentType = r.Bytes16();
            var correlation = r.Bytes16();
            if (!r.AtEnd || !Topics.IsValidQos(qos))
            {
                return false;
            }

            message = new OutgoingMessage(topic, payload, qos, retain, awaited: false)
            {
                ResponseTopic = responseTopic.Length == 0 ? null : Encoding.UTF8.GetString(responseTopic),
                ContentType = contentType.Length == 0 ? null : Encoding.UTF8.GetString(contentType),
                CorrelationData = correlation.ToArray(),
                OutboxPosition = id,
            };
            return true;
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            return false;
        }
    }

    private static void WriteHeader(byte[] record, int bodyLength)
    {
        BinaryPrimitives.WriteInt32LittleEndian(record, bodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.Compute(record.AsSpan(HeaderSize, bodyLength)));
    }

    private ref struct SpanWriter(Span<byte> span)
    {
        private readonly Span<byte> _span = span;
        private int _at;

        public void Byte(byte value) => _span[_at++] = value;

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_span[_at..], value);
            _at += 4;
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_span[_at..], value);
            _at += 8;
        }

        public void Raw(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_span[_at..]);
            _at += value.Length;
        }

        public void Bytes16(ReadOnlySpan<byte> value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_span[_at..], checked((ushort)value.Length));
            _at += 2;
            Raw(value);
        }
    }

    private ref struct SpanReader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;
        private int _at;

        public readonly bool AtEnd => _at == _span.Length;

        public byte Byte() => _span[_at++];

        public int Int32()
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(_span[_at..]);
            _at += 4;
            return value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public long Int64()
        {
            var value = BinaryPrimitives.ReadInt64LittleEndian(_span[_at..]);
            _at += 8;
            return value;
        }

        public ReadOnlySpan<byte> Raw(int length)
        {
            var value = _span.Slice(_at, length);
            _at += length;
            return value;
        }

        public ReadOnlySpan<byte> Bytes16()
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(_span[_at..]);
            _at += 2;
            return Raw(length);
        }
    }
}
