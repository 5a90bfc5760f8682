using System.Buffers;
using System.Text;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

using Switchboard.Tests.Protocol.Packets;

namespace Switchboard.Tests.Connection.Wire;

/// <summary>The PUBLISH packets Switchboard writes itself, decoded by MQTTnet's own decoder as the reference.</summary>
public sealed class PublishPacketEncoderTests
{
    private static byte[] Encode(OutgoingMessage message, ushort packetId, MqttProtocol protocol, uint maximumPacketSize = 0)
    {
        var header = new ArrayBufferWriter<byte>();
        PublishPacketEncoder.WriteHeader(header, message, packetId, protocol, maximumPacketSize);
        return [.. header.WrittenSpan, .. message.Payload.Span];
    }

    private static (int HeaderLength, int Remaining) FixedHeader(byte[] packet) => MqttnetOracle.FixedHeader(packet);

    private static MqttPublishPacket DecodeWithMqttnet(byte[] packet, MqttProtocol protocol) => MqttnetOracle.Decode<MqttPublishPacket>(packet, protocol);

    private static byte[] Payload(int length)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        return payload;
    }

    private static void AssertDecoded(OutgoingMessage sent, ushort packetId, MqttProtocol protocol, MqttPublishPacket received)
    {
        Assert.Equal(sent.Topic, received.Topic);
        Assert.Equal((MqttQualityOfServiceLevel)sent.Qos, received.QualityOfServiceLevel);
        Assert.Equal(sent.Retain, received.Retain);
        Assert.False(received.Dup);
        Assert.Equal(sent.Qos == Qos.AtMostOnce ? 0 : packetId, received.PacketIdentifier);
        Assert.True(sent.Payload.Span.SequenceEqual(received.Payload.ToArray()), "The payload differs.");
        if (protocol == MqttProtocol.V500)
        {
            Assert.Equal(sent.ContentType, received.ContentType);
            Assert.Equal(sent.ResponseTopic, received.ResponseTopic);
            Assert.Equal(sent.CorrelationData.IsEmpty ? null : sent.CorrelationData.ToArray(), received.CorrelationData);
        }
        else
        {
            Assert.Null(received.ContentType);
            Assert.Null(received.ResponseTopic);
            Assert.Null(received.CorrelationData);
        }

        if (protocol == MqttProtocol.V500 && sent.UserProperties is { Length: > 0 } properties)
        {
            Assert.Equal(properties.Select(p => (p.Key, p.Value)), received.UserProperties.Select(p => (p.Name, p.ReadValueAsString())));
        }
        else
        {
            Assert.Null(received.UserProperties);
        }

        Assert.Equal(0, received.TopicAlias);
    }

    private static void RoundTrip(OutgoingMessage sent, ushort packetId, MqttProtocol protocol)
    {
        var packet = Encode(sent, packetId, protocol);
        AssertDecoded(sent, packetId, protocol, DecodeWithMqttnet(packet, protocol));
    }

    public static TheoryData<MqttProtocol, Qos, bool> Flags()
    {
        var data = new TheoryData<MqttProtocol, Qos, bool>();
        foreach (var protocol in new[] { MqttProtocol.V500, MqttProtocol.V311 })
        {
            foreach (var qos in new[] { Qos.AtMostOnce, Qos.AtLeastOnce })
            {
                data.Add(protocol, qos, false);
                data.Add(protocol, qos, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Flags))]
    public void Topic_qos_retain_and_packet_id_decode_as_sent(MqttProtocol protocol, Qos qos, bool retain)
    {
        RoundTrip(new OutgoingMessage("sensors/7/temp", Payload(12), qos, retain, awaited: false), 0x8123, protocol);
        RoundTrip(new OutgoingMessage("x", Payload(3), qos, retain, awaited: false), 0xFFFF, protocol);
    }

    [Theory]
    [MemberData(nameof(Flags))]
    public void Properties_are_written_on_mqtt5_and_left_out_on_311(MqttProtocol protocol, Qos qos, bool retain)
    {
        var sent = new OutgoingMessage("rpc/request", Payload(40), qos, retain, awaited: false)
        {
            ContentType = "application/json; charset=utf-8",
            ResponseTopic = "rpc/replies/client-ä",
            CorrelationData = new byte[] { 0, 1, 2, 0xFF, 0x80 },
        };

        RoundTrip(sent, 0x8001, protocol);
    }

    [Theory]
    [InlineData(MqttProtocol.V500)]
    [InlineData(MqttProtocol.V311)]
    public void Each_property_alone_and_empty_strings_decode_as_sent(MqttProtocol protocol)
    {
        RoundTrip(new OutgoingMessage("a", Payload(1), Qos.AtLeastOnce, false, false) { ContentType = "text/plain" }, 0x8002, protocol);
        RoundTrip(new OutgoingMessage("a", Payload(1), Qos.AtLeastOnce, false, false) { ResponseTopic = "r" }, 0x8002, protocol);
        RoundTrip(new OutgoingMessage("a", Payload(1), Qos.AtLeastOnce, false, false) { CorrelationData = new byte[] { 42 } }, 0x8002, protocol);
        RoundTrip(new OutgoingMessage("a", Payload(1), Qos.AtMostOnce, false, false) { ContentType = string.Empty, ResponseTopic = string.Empty }, 0, protocol);
    }

    [Theory]
    [InlineData(MqttProtocol.V500)]
    [InlineData(MqttProtocol.V311)]
    public void An_empty_payload_one_byte_topic_and_multibyte_topic_decode_as_sent(MqttProtocol protocol)
    {
        RoundTrip(new OutgoingMessage("t", ReadOnlyMemory<byte>.Empty, Qos.AtMostOnce, false, false), 0, protocol);
        RoundTrip(new OutgoingMessage("t", ReadOnlyMemory<byte>.Empty, Qos.AtLeastOnce, true, false), 0x8000, protocol);
        RoundTrip(new OutgoingMessage("küche/licht/ℹ", Payload(17), Qos.AtLeastOnce, false, false), 0x8042, protocol);
        RoundTrip(new OutgoingMessage("emoji/😀/𝄞", ReadOnlyMemory<byte>.Empty, Qos.AtMostOnce, false, false) { ContentType = "ℹ" }, 0, protocol);
    }

    [Theory]
    [InlineData(MqttProtocol.V500)]
    [InlineData(MqttProtocol.V311)]
    public void User_properties_are_written_in_order_on_mqtt5_and_left_out_on_311(MqttProtocol protocol)
    {
        KeyValuePair<string, string>[] trace =
        [
            new("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            new("tracestate", "congo=t61rcWkgMzE,ß=ℹ"),
            new("traceparent", string.Empty),
        ];
        RoundTrip(new OutgoingMessage("rpc/request", Payload(40), Qos.AtLeastOnce, false, false) { ContentType = "application/json", ResponseTopic = "r/1", CorrelationData = new byte[] { 1, 2 }, UserProperties = trace }, 0x1234, protocol);
        RoundTrip(new OutgoingMessage("t", Payload(3), Qos.AtMostOnce, false, false) { UserProperties = [new(string.Empty, "v")] }, 0, protocol);
    }

    [Fact]
    public void A_user_property_too_long_for_mqtt_is_refused()
    {
        var sent = new OutgoingMessage("t", Payload(3), Qos.AtMostOnce, false, false) { UserProperties = [new("k", new string('x', 70_000))] };
        Assert.Throws<ArgumentException>(() => Encode(sent, 0, MqttProtocol.V500));
    }

    [Fact]
    public void The_qos0_311_packet_is_exactly_the_spec_bytes()
    {
        var packet = Encode(new OutgoingMessage("a/b", new byte[] { 0x68, 0x69 }, Qos.AtMostOnce, retain: true, awaited: false), 0x8001, MqttProtocol.V311);
        Assert.Equal([0x31, 0x07, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b', 0x68, 0x69], packet);
    }

    [Fact]
    public void The_qos1_mqtt5_packet_is_exactly_the_spec_bytes()
    {
        var packet = Encode(new OutgoingMessage("t", new byte[] { 0x01 }, Qos.AtLeastOnce, retain: false, awaited: false) { ContentType = "c" }, 0x8001, MqttProtocol.V500);
        Assert.Equal([0x32, 0x0B, 0x00, 0x01, (byte)'t', 0x80, 0x01, 0x04, 0x03, 0x00, 0x01, (byte)'c', 0x01], packet);
    }

    // Remaining lengths on both sides of each boundary of the variable-length encoding.
    [Theory]
    [InlineData(MqttProtocol.V500, 127)]
    [InlineData(MqttProtocol.V500, 128)]
    [InlineData(MqttProtocol.V311, 127)]
    [InlineData(MqttProtocol.V311, 128)]
    [InlineData(MqttProtocol.V500, 16_383)]
    [InlineData(MqttProtocol.V500, 16_384)]
    [InlineData(MqttProtocol.V311, 16_383)]
    [InlineData(MqttProtocol.V311, 16_384)]
    [InlineData(MqttProtocol.V500, 2_097_151)]
    [InlineData(MqttProtocol.V500, 2_097_152)]
    [InlineData(MqttProtocol.V311, 2_097_151)]
    [InlineData(MqttProtocol.V311, 2_097_152)]
    public void Payloads_that_put_the_remaining_length_on_a_boundary_decode_as_sent(MqttProtocol protocol, int remaining)
    {
        const string topic = "a/ü";
        var overhead = 2 + Encoding.UTF8.GetByteCount(topic) + 2 + (protocol == MqttProtocol.V500 ? 1 : 0);
        var sent = new OutgoingMessage(topic, Payload(remaining - overhead), Qos.AtLeastOnce, retain: false, awaited: false);

        var packet = Encode(sent, 0x8765, protocol);

        Assert.Equal(remaining, FixedHeader(packet).Remaining);
        AssertDecoded(sent, 0x8765, protocol, DecodeWithMqttnet(packet, protocol));
    }

    [Theory]
    [InlineData(MqttProtocol.V500)]
    [InlineData(MqttProtocol.V311)]
    public void A_70000_byte_payload_decodes_as_sent(MqttProtocol protocol)
    {
        var sent = new OutgoingMessage("big/payload", Payload(70_000), Qos.AtLeastOnce, retain: true, awaited: false)
        {
            ContentType = "application/octet-stream",
            CorrelationData = new byte[] { 9, 8, 7 },
        };

        RoundTrip(sent, 0x9000, protocol);
    }

    [Fact]
    public void The_header_buffer_is_cleared_before_each_packet()
    {
        var header = new ArrayBufferWriter<byte>();
        var big = new OutgoingMessage("first/long/topic/name", Payload(5), Qos.AtLeastOnce, false, false) { ContentType = "text/plain" };
        PublishPacketEncoder.WriteHeader(header, big, 0x8001, MqttProtocol.V500, 0);
        var small = new OutgoingMessage("s", Payload(2), Qos.AtMostOnce, false, false);
        PublishPacketEncoder.WriteHeader(header, small, 0, MqttProtocol.V500, 0);

        byte[] packet = [.. header.WrittenSpan, .. small.Payload.Span];
        Assert.Equal(Encode(small, 0, MqttProtocol.V500), packet);
        AssertDecoded(small, 0, MqttProtocol.V500, DecodeWithMqttnet(packet, MqttProtocol.V500));
    }

    [Fact]
    public void The_header_holds_no_payload_bytes()
    {
        var header = new ArrayBufferWriter<byte>();
        var message = new OutgoingMessage("t/u", Payload(300), Qos.AtLeastOnce, false, false) { ResponseTopic = "r" };
        PublishPacketEncoder.WriteHeader(header, message, 0x8001, MqttProtocol.V500, 0);

        // 0x32, 2 length bytes, topic (2 + 3), id (2), properties length (1), response topic (1 + 2 + 1).
        Assert.Equal(1 + 2 + 5 + 2 + 1 + 4, header.WrittenCount);
    }

    [Theory]
    [InlineData(MqttProtocol.V500)]
    [InlineData(MqttProtocol.V311)]
    public void A_topic_of_exactly_65535_utf8_bytes_is_accepted(MqttProtocol protocol)
    {
        RoundTrip(new OutgoingMessage(new string('t', 65_535), Payload(4), Qos.AtLeastOnce, false, false), 0x8001, protocol);
        RoundTrip(new OutgoingMessage("ä" + new string('t', 65_533), Payload(4), Qos.AtMostOnce, false, false), 0, protocol);
    }

    [Theory]
    [InlineData(MqttProtocol.V500)]
    [InlineData(MqttProtocol.V311)]
    public void A_topic_over_65535_utf8_bytes_is_refused_even_with_fewer_characters(MqttProtocol protocol)
    {
        var ascii = new OutgoingMessage(new string('t', 65_536), Payload(1), Qos.AtLeastOnce, false, false);
        Assert.Throws<ArgumentException>(() => Encode(ascii, 0x8001, protocol));

        // 32,768 characters, 65,536 bytes.
        var umlauts = new OutgoingMessage(new string('ü', 32_768), Payload(1), Qos.AtLeastOnce, false, false);
        var error = Assert.Throws<ArgumentException>(() => Encode(umlauts, 0x8001, protocol));
        Assert.Contains("65536", error.Message);
    }

    [Fact]
    public void Properties_over_65535_bytes_are_refused_on_mqtt5_and_ignored_on_311()
    {
        var longString = new string('p', 65_536);
        var messages = new[]
        {
            new OutgoingMessage("t", Payload(1), Qos.AtLeastOnce, false, false) { ContentType = longString },
            new OutgoingMessage("t", Payload(1), Qos.AtLeastOnce, false, false) { ResponseTopic = longString },
            new OutgoingMessage("t", Payload(1), Qos.AtLeastOnce, false, false) { CorrelationData = new byte[65_536] },
        };

        foreach (var message in messages)
        {
            Assert.Throws<ArgumentException>(() => Encode(message, 0x8001, MqttProtocol.V500));
            RoundTrip(message, 0x8001, MqttProtocol.V311);
        }
    }

    [Theory]
    [InlineData(MqttProtocol.V500)]
    [InlineData(MqttProtocol.V311)]
    public void A_packet_of_exactly_the_brokers_maximum_is_accepted_and_one_byte_more_is_refused(MqttProtocol protocol)
    {
        var message = new OutgoingMessage("limits/küche", Payload(1_000), Qos.AtLeastOnce, false, false) { ContentType = "text/plain" };
        var size = (uint)Encode(message, 0x8001, protocol).Length;

        AssertDecoded(message, 0x8001, protocol, DecodeWithMqttnet(Encode(message, 0x8001, protocol, maximumPacketSize: size), protocol));

        var error = Assert.Throws<ArgumentException>(() => Encode(message, 0x8001, protocol, maximumPacketSize: size - 1));
        Assert.Contains("limits/küche", error.Message);
        Assert.Contains((size - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public void A_small_maximum_names_the_topic_and_the_limit()
    {
        var message = new OutgoingMessage("telemetry/big", Payload(2_000), Qos.AtMostOnce, false, false);
        var error = Assert.Throws<ArgumentException>(() => Encode(message, 0, MqttProtocol.V311, maximumPacketSize: 1024));
        Assert.Contains("telemetry/big", error.Message);
        Assert.Contains("1024", error.Message);
    }

    [Fact]
    public void A_header_that_alone_exceeds_the_maximum_is_refused()
    {
        var message = new OutgoingMessage(new string('h', 200), ReadOnlyMemory<byte>.Empty, Qos.AtMostOnce, false, false);
        var error = Assert.Throws<ArgumentException>(() => Encode(message, 0, MqttProtocol.V500, maximumPacketSize: 100));
        Assert.Contains("100", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_topic_alias_is_sent_with_the_topic_first_and_alone_afterwards(bool established)
    {
        var message = new OutgoingMessage("home/kitchen/sensor/temperature", Encoding.UTF8.GetBytes("21.5"), Qos.AtLeastOnce, retain: false, awaited: false) { ContentType = "text/plain" };
        var header = new ArrayBufferWriter<byte>();
        PublishPacketEncoder.WriteHeader(header, message, 7, MqttProtocol.V500, 0, duplicate: true, topicAlias: 3, aliasEstablished: established);
        var decoded = DecodeWithMqttnet([.. header.WrittenSpan, .. message.Payload.Span], MqttProtocol.V500);
        Assert.Equal(3, decoded.TopicAlias);
        Assert.Equal(established ? string.Empty : message.Topic, decoded.Topic);
        Assert.True(decoded.Dup);
        Assert.Equal(7, decoded.PacketIdentifier);
        Assert.Equal("text/plain", decoded.ContentType);
        Assert.Equal("21.5", Encoding.UTF8.GetString(decoded.Payload));
    }

    [Fact]
    public void Aliases_go_to_long_topics_up_to_the_broker_maximum_and_count_only_once_written()
    {
        var aliases = new OutgoingTopicAliases(2);
        Assert.Equal(0, aliases.Lookup("short", out _));
        Assert.Equal(1, aliases.Lookup("home/one/state", out var known));
        Assert.False(known);
        Assert.Equal(1, aliases.Lookup("home/one/state", out known));
        Assert.False(known);
        aliases.Written("home/one/state");
        Assert.Equal(1, aliases.Lookup("home/one/state", out known));
        Assert.True(known);
        Assert.Equal(2, aliases.Lookup("home/two/state", out _));
        Assert.Equal(0, aliases.Lookup("home/three/state", out _));
    }
}
