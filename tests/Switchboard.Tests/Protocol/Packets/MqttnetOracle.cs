using System.Buffers;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace Switchboard.Tests.Protocol.Packets;

/// <summary>MQTTnet's packet formatter as the reference implementation: it decodes our packets and encodes the broker's.</summary>
internal static class MqttnetOracle
{
    /// <summary>A fresh formatter, so no state (topic aliases, version detection) carries over between packets.</summary>
    private static MqttPacketFormatterAdapter Formatter(MqttProtocol protocol) => new(
        protocol == MqttProtocol.V500 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311,
        new MqttBufferWriter(4096, 65_536));

    /// <summary>Encodes one packet with our encoder into a fresh buffer.</summary>
    public static byte[] Ours(Action<ArrayBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads the fixed header by hand (not through MqttFraming, which is code under test elsewhere), checking the
    /// remaining length is minimal and matches the packet.
    /// </summary>
    public static (int HeaderLength, int Remaining) FixedHeader(byte[] packet)
    {
        var remaining = 0;
        var multiplier = 1;
        var at = 1;
        byte b;
        do
        {
            Assert.True(at <= 4, "The remaining length takes more than four bytes.");
            b = packet[at++];
            remaining += (b & 0x7F) * multiplier;
            multiplier *= 128;
        }
        while ((b & 0x80) != 0);

        var minimal = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
        Assert.Equal(minimal, at - 1);
        Assert.Equal(packet.Length, at + remaining);
        return (at, remaining);
    }

    /// <summary>Decodes one complete packet of ours with MQTTnet.</summary>
    public static T Decode<T>(byte[] packet, MqttProtocol protocol)
        where T : MqttPacket
    {
        var (headerLength, remaining) = FixedHeader(packet);
        var body = packet.AsSpan(headerLength, remaining).ToArray();
        var decoded = Formatter(protocol).Decode(new ReceivedMqttPacket(packet[0], new ArraySegment<byte>(body), packet.Length));
        return Assert.IsType<T>(decoded);
    }

    /// <summary>Encodes a packet with MQTTnet and splits it into the first byte and the body, as our decoders take it.</summary>
    public static (byte FirstByte, byte[] Body) Encode(MqttPacket packet, MqttProtocol protocol)
    {
        var buffer = Formatter(protocol).Encode(packet);
        byte[] bytes = [.. buffer.Packet.AsSpan(), .. buffer.Payload.ToArray()];
        var (headerLength, remaining) = FixedHeader(bytes);
        return (bytes[0], bytes.AsSpan(headerLength, remaining).ToArray());
    }
}
