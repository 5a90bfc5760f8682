using System.Buffers;

namespace Switchboard.Tests.Connection.Wire;

/// <summary>
/// Received PUBLISH packets: our decoder against our encoder, and the stream filter handing them (and our PUBACKs)
/// out among MQTTnet's packets however the stream is cut. (The encoder against MQTTnet's decoder, the filter's
/// PUBACK cases and the outgoing cursor have their own test classes.)
/// </summary>
public sealed class PublishPacketDecoderTests
{
    private static byte[] Packet(OutgoingMessage message, ushort id, MqttProtocol protocol)
    {
        var header = new ArrayBufferWriter<byte>();
        PublishPacketEncoder.WriteHeader(header, message, id, protocol, maximumPacketSize: 0);
        return [.. header.WrittenSpan, .. message.Payload.Span];
    }

    private static MqttMessage Decode(byte[] packet, MqttProtocol protocol, out ushort id)
    {
        Assert.Equal(MqttFraming.HeaderStatus.Complete, MqttFraming.TryReadHeader(packet, out var first, out var headerLength, out var remaining));
        Assert.Equal(packet.Length, headerLength + remaining);
        Assert.True(new PublishPacketDecoder(protocol).TryDecode(first, packet.AsSpan(headerLength), out var message, out id));
        return message!;
    }

    [Theory]
    [InlineData(MqttProtocol.V500, 0)]
    [InlineData(MqttProtocol.V500, 1)]
    [InlineData(MqttProtocol.V500, 128)]
    [InlineData(MqttProtocol.V500, 16_384)]
    [InlineData(MqttProtocol.V500, 70_000)]
    [InlineData(MqttProtocol.V311, 0)]
    [InlineData(MqttProtocol.V311, 121)]
    [InlineData(MqttProtocol.V311, 70_000)]
    public void A_publish_survives_encoding_and_decoding(MqttProtocol protocol, int size)
    {
        var payload = new byte[size];
        Random.Shared.NextBytes(payload);
        var sent = new OutgoingMessage("küche/licht/ℹ", payload, Qos.AtLeastOnce, retain: true, awaited: false)
        {
            ContentType = "application/json",
            ResponseTopic = "replies/x",
            CorrelationData = new byte[] { 1, 2, 3 },
        };

        var received = Decode(Packet(sent, 0x8123, protocol), protocol, out var id);

        Assert.Equal(0x8123, id);
        Assert.Equal(sent.Topic, received.Topic);
        Assert.Equal(Qos.AtLeastOnce, received.Qos);
        Assert.True(received.Retain);
        Assert.True(payload.AsSpan().SequenceEqual(received.Payload.Span));
        if (protocol == MqttProtocol.V500)
        {
            Assert.Equal("application/json", received.ContentType);
            Assert.Equal("replies/x", received.ResponseTopic);
            Assert.Equal([1, 2, 3], received.CorrelationData.ToArray());
        }
        else
        {
            Assert.Null(received.ContentType);
            Assert.Null(received.ResponseTopic);
            Assert.True(received.CorrelationData.IsEmpty);
        }
    }

    // PUBLISH QoS 0, PUBACK (ours), SUBACK, PUBLISH QoS 1, PUBACK (MQTTnet's id), PUBACK v5 with reason and
    // properties (ours), PUBLISH QoS 2 (MQTTnet's), PINGRESP.
    private static (byte[] Stream, byte[] Expected) MixedStream()
    {
        var publish0 = Packet(new OutgoingMessage("a/b", new byte[300], Qos.AtMostOnce, false, false), 0, MqttProtocol.V500);
        var publish1 = Packet(new OutgoingMessage("c", new byte[] { 9 }, Qos.AtLeastOnce, false, false), 7, MqttProtocol.V500);
        byte[] ourAck = [0x40, 0x02, 0x80, 0x05];
        byte[] suback = [0x90, 0x04, 0x00, 0x01, 0x00, 0x00];
        byte[] theirAck = [0x40, 0x02, 0x00, 0x09];
        byte[] reasonString = [0x1F, 0x00, 0x02, (byte)'n', (byte)'o'];
        byte[] ourRefusal = [0x40, (byte)(4 + reasonString.Length), 0x80, 0x06, 0x87, (byte)reasonString.Length, .. reasonString];
        byte[] publish2 = [0x34, 0x06, 0x00, 0x01, (byte)'q', 0x00, 0x03, 0x00];
        byte[] pingresp = [0xD0, 0x00];
        return ([.. publish0, .. ourAck, .. suback, .. publish1, .. theirAck, .. ourRefusal, .. publish2, .. pingresp],
            [.. suback, .. theirAck, .. publish2, .. pingresp]);
    }

    private sealed class Recorder : IPublishAcknowledgements, IIncomingPublishes
    {
        public List<string> Seen { get; } = [];

        public bool TryAcknowledge(ushort packetId, byte reasonCode, ReadOnlySpan<byte> properties)
        {
            if (packetId < 0x8000)
            {
                return false;
            }

            Seen.Add($"ack {packetId:x} {reasonCode:x} {MqttFraming.ReasonString(properties)}");
            return true;
        }

        public bool TryTake(byte firstByte, ReadOnlySpan<byte> body, out ValueTask wait)
        {
            wait = ValueTask.CompletedTask;
            Assert.True(new PublishPacketDecoder(MqttProtocol.V500).TryDecode(firstByte, body, out var message, out var id));
            Seen.Add($"publish {message!.Topic} {id} {message.Payload.Length}");
            return true;
        }
    }

    private static string[] ExpectedSeen => ["publish a/b 0 300", "ack 8005 0 ", "publish c 7 1", "ack 8006 87 no"];

    /// <summary>Feeds the filter as the stream does: what it held back goes in front of the next chunk.</summary>
    private static (byte[] Kept, List<string> Seen) Run(byte[] stream, IEnumerable<int> chunkSizes)
    {
        var filter = new IncomingAckFilter();
        var recorder = new Recorder();
        filter.Acknowledgements = recorder;
        filter.Publishes = recorder;
        var kept = new List<byte>();
        var held = Array.Empty<byte>();
        var at = 0;
        foreach (var size in chunkSizes)
        {
            var data = held.Concat(stream.Skip(at).Take(size)).ToArray();
            at += size;
            var count = filter.Filter(data, out var heldCount);
            kept.AddRange(data.Take(count));
            held = data.Skip(count).Take(heldCount).ToArray();
        }

        Assert.Equal(stream.Length, at);
        Assert.Empty(held);
        return ([.. kept], recorder.Seen);
    }

    [Fact]
    public void The_filter_takes_exactly_our_packets_however_the_stream_is_cut()
    {
        var (stream, expected) = MixedStream();
        for (var cut = 0; cut <= stream.Length; cut++)
        {
            var (kept, seen) = Run(stream, [cut, stream.Length - cut]);
            Assert.Equal(expected, kept);
            Assert.Equal(ExpectedSeen, seen);
        }

        var (bytewise, bytewiseSeen) = Run(stream, Enumerable.Repeat(1, stream.Length));
        Assert.Equal(expected, bytewise);
        Assert.Equal(ExpectedSeen, bytewiseSeen);
    }

    [Fact]
    public void A_publish_larger_than_the_inline_limit_is_gathered_across_reads()
    {
        var big = Packet(new OutgoingMessage("big", new byte[IncomingAckFilter.InlinePublish * 3], Qos.AtLeastOnce, false, false), 3, MqttProtocol.V500);
        byte[] pingresp = [0xD0, 0x00];
        byte[] stream = [.. big, .. pingresp];
        var (kept, seen) = Run(stream, [1000, 20_000, stream.Length - 21_000]);
        Assert.Equal(pingresp, kept);
        Assert.Equal([$"publish big 3 {IncomingAckFilter.InlinePublish * 3}"], seen);
    }
}
