using System.Buffers;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Switchboard.Tests.Connection.Wire;

/// <summary>The cursor over MQTTnet's writes: it must know where every packet ends, however the writes are cut.</summary>
public sealed class OutgoingFrameCursorTests
{
    // The remaining length written independently of MqttFraming (MQTT 5 §1.5.5).
    private static byte[] Packet(byte first, int bodyLength, Random random)
    {
        var header = new List<byte> { first };
        var value = bodyLength;
        do
        {
            var b = (byte)(value % 128);
            value /= 128;
            header.Add(value > 0 ? (byte)(b | 0x80) : b);
        }
        while (value > 0);

        // Bodies full of bytes that would look like headers (0xC0 0x00, continuation bits) if the cursor read them.
        var body = new byte[bodyLength];
        random.NextBytes(body);
        for (var i = 0; i + 1 < body.Length; i += 7)
        {
            body[i] = 0xC0;
            body[i + 1] = 0x00;
        }

        return [.. header, .. body];
    }

    /// <summary>CONNECT-like, PUBLISH with a 200-byte body, PINGREQ, PUBACK, a 3-byte-length packet, and more.</summary>
    private static (byte[] Stream, SortedSet<int> Ends) MixedStream()
    {
        var random = new Random(42);
        var packets = new List<byte[]>
        {
            Packet(0x10, 23, random),      // CONNECT-like
            Packet(0x32, 200, random),     // PUBLISH QoS 1, 2-byte length
            new byte[] { 0xC0, 0x00 },     // PINGREQ
            Packet(0x82, 9, random),       // SUBSCRIBE
            Packet(0x30, 127, random),     // largest 1-byte length
            Packet(0x30, 128, random),     // smallest 2-byte length
            new byte[] { 0x40, 0x02, 0x80, 0x01 }, // PUBACK
            Packet(0x3B, 16_384, random),  // smallest 3-byte length
            Packet(0x30, 0, random),       // empty body with a flags byte
            new byte[] { 0xC0, 0x00 },     // PINGREQ
            Packet(0x30, 16_383, random),  // largest 2-byte length
            new byte[] { 0xE0, 0x00 },     // DISCONNECT
        };

        var ends = new SortedSet<int>();
        var at = 0;
        foreach (var packet in packets)
        {
            at += packet.Length;
            ends.Add(at);
        }

        return ([.. packets.SelectMany(p => p)], ends);
    }

    /// <summary>Feeds stream[from..to) as one write, checking every step the cursor takes.</summary>
    private static void Feed(OutgoingFrameCursor cursor, byte[] stream, int from, int to, SortedSet<int> ends)
    {
        var position = from;
        while (position < to)
        {
            var used = cursor.Advance(stream.AsSpan(position, to - position));
            Assert.InRange(used, 1, to - position);
            var nextEnd = ends.GetViewBetween(position + 1, int.MaxValue).Min;
            Assert.True(position + used <= nextEnd, $"Advance moved from {position} over the packet end at {nextEnd} to {position + used}.");
            position += used;
            Assert.True(ends.Contains(position) == cursor.AtBoundary, $"AtBoundary is {cursor.AtBoundary} at {position}.");
            if (position < to)
            {
                Assert.True(ends.Contains(position), $"Advance stopped at {position}, inside a packet, with data left.");
            }
        }
    }

    [Fact]
    public void A_new_cursor_is_at_a_boundary_and_an_empty_write_moves_nothing()
    {
        var cursor = new OutgoingFrameCursor();
        Assert.True(cursor.AtBoundary);
        Assert.Equal(0, cursor.Advance([]));
        Assert.True(cursor.AtBoundary);

        Assert.Equal(1, cursor.Advance([0x32]));
        Assert.False(cursor.AtBoundary);
        Assert.Equal(0, cursor.Advance([]));
        Assert.False(cursor.AtBoundary);
    }

    [Fact]
    public void Every_packet_end_is_found_when_the_stream_is_written_in_two_pieces_cut_anywhere()
    {
        var (stream, ends) = MixedStream();
        for (var cut = 0; cut <= stream.Length; cut++)
        {
            var cursor = new OutgoingFrameCursor();
            Feed(cursor, stream, 0, cut, ends);
            Assert.Equal(cut == 0 || ends.Contains(cut), cursor.AtBoundary);
            Feed(cursor, stream, cut, stream.Length, ends);
            Assert.True(cursor.AtBoundary);
        }
    }

    [Fact]
    public void Every_packet_end_is_found_when_the_stream_is_written_a_byte_at_a_time()
    {
        var (stream, ends) = MixedStream();
        var cursor = new OutgoingFrameCursor();
        for (var at = 0; at < stream.Length; at++)
        {
            Feed(cursor, stream, at, at + 1, ends);
        }

        Assert.True(cursor.AtBoundary);
    }

    [Fact]
    public void Every_packet_end_is_found_when_the_stream_is_written_in_random_pieces()
    {
        var (stream, ends) = MixedStream();
        var random = new Random(7);
        for (var round = 0; round < 300; round++)
        {
            var cursor = new OutgoingFrameCursor();
            for (var at = 0; at < stream.Length;)
            {
                var size = Math.Min(stream.Length - at, random.Next(3) == 0 ? random.Next(1, 6) : random.Next(1, 3000));
                Feed(cursor, stream, at, at + size, ends);
                at += size;
            }

            Assert.True(cursor.AtBoundary);
        }
    }

    [Fact]
    public void A_four_byte_length_is_followed_to_the_end_of_its_body()
    {
        var random = new Random(3);
        var big = Packet(0x30, 2_097_152, random);
        Assert.Equal([0x30, 0x80, 0x80, 0x80, 0x01], big[..5]);
        byte[] stream = [.. big, 0xC0, 0x00];
        var ends = new SortedSet<int> { big.Length, stream.Length };

        var cursor = new OutgoingFrameCursor();
        Feed(cursor, stream, 0, 3, ends); // cut inside the length
        Feed(cursor, stream, 3, 5, ends);
        for (var at = 5; at < stream.Length;)
        {
            // The last write takes the end of the body and the PINGREQ together.
            var size = Math.Min(stream.Length - at, 65_536 + 1);
            Feed(cursor, stream, at, at + size, ends);
            at += size;
        }

        Assert.True(cursor.AtBoundary);
    }

    [Fact]
    public void A_write_spanning_several_packets_stops_at_each_end()
    {
        byte[] stream = [0xC0, 0x00, 0x40, 0x02, 0x80, 0x01, 0xE0, 0x00];
        var cursor = new OutgoingFrameCursor();

        Assert.Equal(2, cursor.Advance(stream));
        Assert.True(cursor.AtBoundary);
        Assert.Equal(4, cursor.Advance(stream.AsSpan(2)));
        Assert.True(cursor.AtBoundary);
        Assert.Equal(2, cursor.Advance(stream.AsSpan(6)));
        Assert.True(cursor.AtBoundary);
    }

    [Fact]
    public void The_packets_mqttnet_writes_header_and_payload_apart_end_where_its_own_encoder_says()
    {
        var formatter = new MqttPacketFormatterAdapter(MqttProtocolVersion.V500, new MqttBufferWriter(4096, 65_536));
        var packets = new MqttPacket[]
        {
            new MqttConnectPacket { ClientId = "switchboard-test", KeepAlivePeriod = 30, CleanSession = true },
            new MqttPublishPacket { Topic = "a/b", QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce, PacketIdentifier = 1, Payload = new ReadOnlySequence<byte>(new byte[200]) },
            MqttPingReqPacket.Instance,
            new MqttPublishPacket { Topic = "küche/licht", ContentType = "text/plain", Payload = new ReadOnlySequence<byte>(new byte[20_000]) },
            new MqttPublishPacket { Topic = "empty" },
            new MqttPubAckPacket { PacketIdentifier = 7 },
            new MqttDisconnectPacket(),
        };

        var cursor = new OutgoingFrameCursor();
        foreach (var packet in packets)
        {
            var buffer = formatter.Encode(packet);
            var head = buffer.Packet.AsSpan();
            var payload = buffer.Payload.ToArray();

            var used = cursor.Advance(head);
            Assert.Equal(head.Length, used);
            Assert.Equal(payload.Length == 0, cursor.AtBoundary);
            if (payload.Length > 0)
            {
                // MQTTnet may pause here: the cursor must still be inside the packet, then end with the payload.
                Assert.Equal(payload.Length, cursor.Advance(payload));
                Assert.True(cursor.AtBoundary);
            }
        }
    }
}
