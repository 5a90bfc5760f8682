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
}
