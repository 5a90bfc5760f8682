using System.Text;

namespace Switchboard.Tests.Connection.Wire;

/// <summary>
/// The read-side filter: it takes out exactly the PUBACKs that are claimed, however the reads cut the stream, and
/// holds back nothing but the start of a packet it cannot classify yet.
/// </summary>
public sealed class IncomingAckFilterTests
{
    /// <summary>Claims the PUBACKs of ids from 0x8000 up (ours), and records every call.</summary>
    private sealed class RecordingAcknowledgements : IPublishAcknowledgements
    {
        public List<(ushort Id, byte Reason, byte[] Properties)> Calls { get; } = [];

        public bool TryAcknowledge(ushort packetId, byte reasonCode, ReadOnlySpan<byte> properties)
        {
            Calls.Add((packetId, reasonCode, properties.ToArray()));
            return packetId >= 0x8000;
        }
    }

    private static byte[] Header(byte first, int remaining)
    {
        var header = new List<byte> { first };
        do
        {
            var b = (byte)(remaining % 128);
            remaining /= 128;
            header.Add(remaining > 0 ? (byte)(b | 0x80) : b);
        }
        while (remaining > 0);
        return [.. header];
    }

    private static byte[] Utf8String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }

    private static byte[] PubAckV3(ushort id) => [0x40, 0x02, (byte)(id >> 8), (byte)id];

    private static byte[] PubAckV5(ushort id, byte reason, byte[] properties)
    {
        byte[] propertiesLength = Header(0, properties.Length)[1..];
        byte[] body = [(byte)(id >> 8), (byte)id, reason, .. propertiesLength, .. properties];
        return [.. Header(0x40, body.Length), .. body];
    }

    private static byte[] Publish(byte first, string topic, ushort id, int payloadLength)
    {
        byte[] idBytes = ((first >> 1) & 3) > 0 ? [(byte)(id >> 8), (byte)id] : [];
        var payload = Enumerable.Range(0, payloadLength).Select(i => (byte)(i % 7 == 0 ? 0x40 : i)).ToArray();
        byte[] body = [.. Utf8String(topic), .. idBytes, .. payload];
        return [.. Header(first, body.Length), .. body];
    }

    private sealed record Piece(byte[] Bytes, bool Claimed, (ushort Id, byte Reason, byte[] Properties)? Call);

    private static Piece Other(byte[] bytes) => new(bytes, false, null);

    private static Piece Ack(ushort id, byte[] bytes, byte reason = 0, byte[]? properties = null) =>
        new(bytes, id >= 0x8000, (id, reason, properties ?? []));

    /// <summary>PUBLISHes, PUBACKs of both versions (ours and MQTTnet's), SUBACK, PINGRESP, in a mix.</summary>
    private static List<Piece> MixedPieces()
    {
        byte[] reasonAndUser = [0x26, .. Utf8String("k"), .. Utf8String("v"), 0x1F, .. Utf8String("quota exceeded")];
        byte[] longReason = [0x1F, .. Utf8String(new string('r', 300))];
        byte[] theirProperties = [0x1F, .. Utf8String("theirs")];
        return
        [
            Other(Publish(0x32, "a/b", 1, 5)),
            Ack(0x8001, PubAckV3(0x8001)),
            Ack(0x0005, PubAckV3(0x0005)),
            Ack(0x8002, PubAckV5(0x8002, 0x97, reasonAndUser), 0x97, reasonAndUser),
            Other([0x90, 0x03, 0x00, 0x01, 0x00]),                      // SUBACK
            Ack(0x8003, [0x40, 0x03, 0x80, 0x03, 0x87], 0x87),          // reason code, no property length
            Ack(0x8004, PubAckV5(0x8004, 0x00, [])),                    // reason code and empty properties
            Other([0xD0, 0x00]),                                         // PINGRESP
            Ack(0x0006, PubAckV5(0x0006, 0x10, theirProperties), 0x10, theirProperties),
            Other(Publish(0x30, "küche/licht/ℹ", 0, 200)),              // 2-byte length PUBLISH
            Ack(0x8005, PubAckV3(0x8005)),                               // two of ours back to back
            Ack(0xFFFF, PubAckV3(0xFFFF)),
            Ack(0x8006, PubAckV5(0x8006, 0x80, longReason), 0x80, longReason), // 2-byte length PUBACK
            Other([0xB0, 0x02, 0x00, 0x02]),                             // UNSUBACK
            Other([0xD0, 0x00]),
            Ack(0x8007, PubAckV3(0x8007)),                               // ours at the very end
        ];
    }

    private static (byte[] Stream, byte[] Expected, List<(ushort Id, byte Reason, byte[] Properties)> Calls) Expectations(List<Piece> pieces) =>
        ([.. pieces.SelectMany(p => p.Bytes)],
         [.. pieces.Where(p => !p.Claimed).SelectMany(p => p.Bytes)],
         [.. pieces.Where(p => p.Call is not null).Select(p => p.Call!.Value)]);

    /// <summary>Feeds the filter as the stream does: what it held back goes in front of the next chunk.</summary>
    private static byte[] Run(IncomingAckFilter filter, byte[] stream, IEnumerable<int> chunkSizes)
    {
        var kept = new List<byte>();
        byte[] held = [];
        var at = 0;
        foreach (var size in chunkSizes)
        {
            byte[] data = [.. held, .. stream.AsSpan(at, size)];
            at += size;
            var count = filter.Filter(data, out var heldCount);
            Assert.InRange(count, 0, data.Length);
            Assert.InRange(heldCount, 0, data.Length - count);
            kept.AddRange(data.AsSpan(0, count));
            held = data[count..(count + heldCount)];
        }

        Assert.Equal(stream.Length, at);
        Assert.Empty(held);
        return [.. kept];
    }

    private static void AssertCalls(List<(ushort Id, byte Reason, byte[] Properties)> expected, List<(ushort Id, byte Reason, byte[] Properties)> actual)
    {
        Assert.Equal(expected.Select(c => (c.Id, c.Reason)), actual.Select(c => (c.Id, c.Reason)));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Properties, actual[i].Properties);
        }
    }

    private static void RunAndCheck(List<Piece> pieces, Func<int, IEnumerable<int>> chunking, int cases)
    {
        var (stream, expected, calls) = Expectations(pieces);
        for (var i = 0; i < cases; i++)
        {
            var acknowledgements = new RecordingAcknowledgements();
            var filter = new IncomingAckFilter { Acknowledgements = acknowledgements };
            var kept = Run(filter, stream, chunking(i));
            Assert.True(expected.AsSpan().SequenceEqual(kept), $"Kept bytes differ in case {i}.");
            AssertCalls(calls, acknowledgements.Calls);
            Assert.Equal(0, filter.PassThrough);
        }
    }

    [Fact]
    public void Exactly_the_claimed_acks_are_taken_out_when_the_stream_is_cut_in_two_anywhere()
    {
        var (stream, _, _) = Expectations(MixedPieces());
        RunAndCheck(MixedPieces(), cut => [cut, stream.Length - cut], stream.Length + 1);
    }

    [Fact]
    public void Exactly_the_claimed_acks_are_taken_out_when_the_stream_arrives_a_byte_at_a_time()
    {
        var (stream, _, _) = Expectations(MixedPieces());
        RunAndCheck(MixedPieces(), _ => Enumerable.Repeat(1, stream.Length), 1);
    }

    [Fact]
    public void Exactly_the_claimed_acks_are_taken_out_when_the_stream_arrives_in_random_pieces()
    {
        var (stream, _, _) = Expectations(MixedPieces());
        RunAndCheck(MixedPieces(), seed => RandomChunks(stream.Length, new Random(seed)), 500);
    }

    private static List<int> RandomChunks(int length, Random random)
    {
        var sizes = new List<int>();
        for (var left = length; left > 0;)
        {
            var size = Math.Min(left, random.Next(4) == 0 ? random.Next(1, 4) : random.Next(1, 120));
            sizes.Add(size);
            left -= size;
        }

        return sizes;
    }

    [Fact]
    public void A_stream_with_nothing_but_claimed_acks_keeps_nothing_and_holds_nothing_at_the_end()
    {
        List<Piece> pieces = [Ack(0x8001, PubAckV3(0x8001)), Ack(0x8002, PubAckV5(0x8002, 0x10, []), 0x10), Ack(0x9000, PubAckV3(0x9000))];
        var (stream, expected, _) = Expectations(pieces);
        Assert.Empty(expected);
        RunAndCheck(pieces, cut => [cut, stream.Length - cut], stream.Length + 1);
        RunAndCheck(pieces, _ => Enumerable.Repeat(1, stream.Length), 1);
    }

    [Fact]
    public void Without_a_sink_every_ack_passes_through()
    {
        var (stream, _, _) = Expectations(MixedPieces());
        var filter = new IncomingAckFilter();
        for (var cut = 0; cut <= stream.Length; cut++)
        {
            Assert.Equal(stream, Run(filter, stream, [cut, stream.Length - cut]));
        }
    }

    [Fact]
    public void An_ack_too_short_to_hold_an_id_or_too_large_to_hold_back_passes_through_unasked()
    {
        byte[] hugeReason = [0x1F, .. Utf8String(new string('x', IncomingAckFilter.MaxHeldPacket))];
        var huge = PubAckV5(0x8009, 0x80, hugeReason);
        Assert.True(huge.Length > IncomingAckFilter.MaxHeldPacket);
        List<Piece> pieces =
        [
            Other([0x40, 0x00]),
            Other([0x40, 0x01, 0x80]),
            Ack(0x8001, PubAckV3(0x8001)),
            Other(huge),
            Ack(0x8002, PubAckV3(0x8002)),
        ];

        var (stream, _, _) = Expectations(pieces);
        RunAndCheck(pieces, cut => [cut, stream.Length - cut], stream.Length + 1);
        RunAndCheck(pieces, _ => Enumerable.Repeat(1, stream.Length), 1);
    }

    [Fact]
    public void The_largest_ack_held_back_is_still_claimed()
    {
        // Header 0x40 + 2 length bytes + body: exactly MaxHeldPacket bytes in all.
        var reasonLength = IncomingAckFilter.MaxHeldPacket - 3 - 3 - 2 - 3;
        byte[] reason = [0x1F, .. Utf8String(new string('y', reasonLength))];
        var ack = PubAckV5(0x8100, 0x83, reason);
        Assert.Equal(IncomingAckFilter.MaxHeldPacket, ack.Length);
        List<Piece> pieces = [Other([0xD0, 0x00]), Ack(0x8100, ack, 0x83, reason), Other([0xD0, 0x00])];

        var (stream, _, _) = Expectations(pieces);
        RunAndCheck(pieces, seed => RandomChunks(stream.Length, new Random(seed)), 50);
        RunAndCheck(pieces, _ => Enumerable.Repeat(1, stream.Length), 1);
    }

    [Fact]
    public void A_large_packet_body_may_be_read_past_the_filter_and_accounted_for()
    {
        var acknowledgements = new RecordingAcknowledgements();
        var filter = new IncomingAckFilter { Acknowledgements = acknowledgements };
        byte[] suback = [0x90, 0x03, 0x00, 0x01, 0x00];
        var publish = Publish(0x32, "big", 0x0010, 100_000);
        var publishHeader = publish.Length - 100_000 - 2 - 3 - 2; // fixed header only
        Assert.Equal(4, publishHeader);
        var body = publish.Length - publishHeader;

        // First read: the SUBACK, the PUBLISH's fixed header and 10 bytes of its body.
        byte[] first = [.. suback, .. publish.AsSpan(0, publishHeader + 10)];
        Assert.Equal(first.Length, filter.Filter(first, out var held));
        Assert.Equal(0, held);
        Assert.Equal(body - 10, filter.PassThrough);

        // The caller reads 60,000 body bytes straight into MQTTnet's buffer.
        filter.Skipped(60_000);
        Assert.Equal(body - 10 - 60_000, filter.PassThrough);

        // The rest of the body, a claimed PUBACK, a PINGRESP: the body is never mistaken for packets.
        var rest = publish.AsSpan(publishHeader + 10 + 60_000).ToArray();
        byte[] second = [.. rest, .. PubAckV3(0x8001), 0xD0, 0x00];
        var kept = filter.Filter(second, out held);
        Assert.Equal(0, held);
        Assert.Equal([.. rest, 0xD0, 0x00], second[..kept]);
        Assert.Equal(0, filter.PassThrough);
        Assert.Equal([(ushort)0x8001], acknowledgements.Calls.Select(c => c.Id));
    }

    [Fact]
    public void Pass_through_is_zero_while_a_packet_start_is_held_back()
    {
        var filter = new IncomingAckFilter { Acknowledgements = new RecordingAcknowledgements() };
        byte[] data = [0xD0, 0x00, 0x40, 0x02, 0x80];
        Assert.Equal(2, filter.Filter(data, out var held));
        Assert.Equal(3, held);
        Assert.Equal([0x40, 0x02, 0x80], data[2..5]);
        Assert.Equal(0, filter.PassThrough);
    }

    [Fact]
    public void After_a_malformed_header_everything_passes_through()
    {
        var acknowledgements = new RecordingAcknowledgements();
        var filter = new IncomingAckFilter { Acknowledgements = acknowledgements };

        // A claimed PUBACK, then a header with five length bytes split over two reads.
        byte[] first = [.. PubAckV3(0x8001), 0xD0, 0x00, 0x30, 0xFF, 0xFF];
        var kept = filter.Filter(first, out var held);
        Assert.Equal([0xD0, 0x00], first[..kept]);
        Assert.Equal(3, held);
        Assert.Equal([0x30, 0xFF, 0xFF], first.AsSpan(kept, held).ToArray());

        byte[] second = [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, .. PubAckV3(0x8002)];
        Assert.Equal(second.Length, filter.Filter((byte[])second.Clone(), out held));
        Assert.Equal(0, held);
        Assert.Equal(long.MaxValue, filter.PassThrough);

        // From here on: no classification, no holding back, no claims, even of a PUBACK cut in half.
        byte[] third = [.. PubAckV3(0x8003), 0x40];
        var copy = (byte[])third.Clone();
        Assert.Equal(third.Length, filter.Filter(copy, out held));
        Assert.Equal(0, held);
        Assert.Equal(third, copy);
        filter.Skipped(1_000);
        Assert.Equal(long.MaxValue, filter.PassThrough);
        Assert.Equal([(ushort)0x8001], acknowledgements.Calls.Select(c => c.Id));
    }

    [Fact]
    public void An_empty_read_keeps_and_holds_nothing()
    {
        var filter = new IncomingAckFilter { Acknowledgements = new RecordingAcknowledgements() };
        Assert.Equal(0, filter.Filter([], out var held));
        Assert.Equal(0, held);
    }
}
