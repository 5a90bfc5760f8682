using System.Buffers;
using System.Text;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using static Switchboard.Tests.Protocol.Packets.MqttnetOracle;

namespace Switchboard.Tests.Protocol.Packets;

/// <summary>The control packets Switchboard writes, decoded by MQTTnet's formatter as the reference, on both versions.</summary>
public sealed class ControlPacketEncoderTests
{
    [Theory]
    [InlineData(MqttProtocol.V311)]
    [InlineData(MqttProtocol.V500)]
    public void A_minimal_connect_decodes(MqttProtocol protocol)
    {
        var bytes = Ours(o => ControlPacketEncoder.WriteConnect(o, new ConnectPacket { Protocol = protocol, ClientId = "c1", KeepAliveSeconds = 30, CleanStart = true }));

        var received = Decode<MqttConnectPacket>(bytes, protocol);
        Assert.Equal("c1", received.ClientId);
        Assert.Equal(30, received.KeepAlivePeriod);
        Assert.True(received.CleanSession);
        Assert.Null(received.Username);
        Assert.Null(received.Password);
        Assert.False(received.WillFlag);
        Assert.Equal(0u, received.SessionExpiryInterval);
        Assert.Equal(0, received.ReceiveMaximum);
        Assert.Equal(0u, received.MaximumPacketSize);
        Assert.Equal(0, received.TopicAliasMaximum);
    }

    [Fact]
    public void A_311_connect_is_byte_for_byte_the_spec_layout()
    {
        var bytes = Ours(o => ControlPacketEncoder.WriteConnect(o, new ConnectPacket { Protocol = MqttProtocol.V311, ClientId = "ab", KeepAliveSeconds = 60, CleanStart = true }));

        Assert.Equal([0x10, 14, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x02, 0, 60, 0, 2, (byte)'a', (byte)'b'], bytes);
    }

    [Theory]
    [InlineData(MqttProtocol.V311)]
    [InlineData(MqttProtocol.V500)]
    public void A_full_connect_decodes(MqttProtocol protocol)
    {
        var sent = new ConnectPacket
        {
            Protocol = protocol,
            ClientId = "gerät-7",
            Username = "üser",
            Password = new byte[] { 0, 1, 2, 255 },
            KeepAliveSeconds = 65_535,
            CleanStart = false,
            SessionExpiryInterval = 3600,
            ReceiveMaximum = 100,
            MaximumPacketSize = 1_048_576,
            TopicAliasMaximum = 10,
            Will = new WillMessage
            {
                Topic = "status/gerät-7",
                Payload = Encoding.UTF8.GetBytes("offline"),
                Qos = Qos.AtLeastOnce,
                Retain = true,
                ContentType = "text/plain",
                DelayInterval = 5,
                MessageExpiryInterval = 120,
            },
        };

        var received = Decode<MqttConnectPacket>(Ours(o => ControlPacketEncoder.WriteConnect(o, sent)), protocol);

        Assert.Equal("gerät-7", received.ClientId);
        Assert.Equal("üser", received.Username);
        Assert.Equal([0, 1, 2, 255], received.Password);
        Assert.Equal(65_535, received.KeepAlivePeriod);
        Assert.False(received.CleanSession);
        Assert.True(received.WillFlag);
        Assert.Equal("status/gerät-7", received.WillTopic);
        Assert.Equal("offline", Encoding.UTF8.GetString(received.WillMessage));
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, received.WillQoS);
        Assert.True(received.WillRetain);
        var v5 = protocol == MqttProtocol.V500;
        Assert.Equal(v5 ? 3600u : 0u, received.SessionExpiryInterval);
        Assert.Equal(v5 ? 100 : 0, received.ReceiveMaximum);
        Assert.Equal(v5 ? 1_048_576u : 0u, received.MaximumPacketSize);
        Assert.Equal(v5 ? 10 : 0, received.TopicAliasMaximum);
        Assert.Equal(v5 ? "text/plain" : null, received.WillContentType);
        Assert.Equal(v5 ? 5u : 0u, received.WillDelayInterval);
        Assert.Equal(v5 ? 120u : 0u, received.WillMessageExpiryInterval);
    }

    [Fact]
    public void A_5_connect_may_have_a_password_without_a_user_name()
    {
        var bytes = Ours(o => ControlPacketEncoder.WriteConnect(o, new ConnectPacket { Protocol = MqttProtocol.V500, ClientId = "", Password = new byte[] { 7 } }));

        var received = Decode<MqttConnectPacket>(bytes, MqttProtocol.V500);
        Assert.Equal("", received.ClientId);
        Assert.Null(received.Username);
        Assert.Equal([7], received.Password);
    }

    [Theory]
    [InlineData(MqttProtocol.V311)]
    [InlineData(MqttProtocol.V500)]
    public void A_subscribe_decodes_with_its_options(MqttProtocol protocol)
    {
        SubscribeRequest[] filters =
        [
            new("a/+/c", Qos.AtMostOnce),
            new("b/#", Qos.AtLeastOnce, NoLocal: true, RetainAsPublished: true, RetainHandling: 2),
            new("$share/g/ü", Qos.ExactlyOnce, RetainHandling: 1),
        ];

        var bytes = Ours(o => ControlPacketEncoder.WriteSubscribe(o, protocol, 0x1234, filters, subscriptionIdentifier: 300));

        Assert.Equal(0x82, bytes[0]);
        var received = Decode<MqttSubscribePacket>(bytes, protocol);
        Assert.Equal(0x1234, received.PacketIdentifier);
        var v5 = protocol == MqttProtocol.V500;
        Assert.Equal(v5 ? 300u : 0u, received.SubscriptionIdentifier);
        Assert.Equal(filters.Length, received.TopicFilters.Count);
        for (var i = 0; i < filters.Length; i++)
        {
            var f = received.TopicFilters[i];
            Assert.Equal(filters[i].Filter, f.Topic);
            Assert.Equal((MqttQualityOfServiceLevel)filters[i].Qos, f.QualityOfServiceLevel);
            Assert.Equal(v5 && filters[i].NoLocal, f.NoLocal);
            Assert.Equal(v5 && filters[i].RetainAsPublished, f.RetainAsPublished);
            Assert.Equal(v5 ? filters[i].RetainHandling : 0, (int)f.RetainHandling);
        }
    }

    [Fact]
    public void A_5_subscribe_without_identifier_has_empty_properties()
    {
        var bytes = Ours(o => ControlPacketEncoder.WriteSubscribe(o, MqttProtocol.V500, 1, [new("x", Qos.AtLeastOnce)], 0));

        Assert.Equal([0x82, 7, 0, 1, 0, 0, 1, (byte)'x', 1], bytes);
        Assert.Equal(0u, Decode<MqttSubscribePacket>(bytes, MqttProtocol.V500).SubscriptionIdentifier);
    }

    [Theory]
    [InlineData(MqttProtocol.V311)]
    [InlineData(MqttProtocol.V500)]
    public void An_unsubscribe_decodes(MqttProtocol protocol)
    {
        var bytes = Ours(o => ControlPacketEncoder.WriteUnsubscribe(o, protocol, 65_535, ["a/b", "c/#", "ümlaut"]));

        Assert.Equal(0xA2, bytes[0]);
        var received = Decode<MqttUnsubscribePacket>(bytes, protocol);
        Assert.Equal(65_535, received.PacketIdentifier);
        Assert.Equal(["a/b", "c/#", "ümlaut"], received.TopicFilters);
    }

    [Theory]
    [InlineData(MqttProtocol.V311, (int)PacketType.PubAck, 0)]
    [InlineData(MqttProtocol.V311, (int)PacketType.PubRec, 0)]
    [InlineData(MqttProtocol.V311, (int)PacketType.PubRel, 0)]
    [InlineData(MqttProtocol.V311, (int)PacketType.PubComp, 0)]
    [InlineData(MqttProtocol.V311, (int)PacketType.PubAck, 0x80)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubAck, 0)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubRec, 0)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubRel, 0)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubComp, 0)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubAck, 0x87)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubRec, 0x10)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubRel, 0x92)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubComp, 0x92)]
    public void An_ack_decodes(MqttProtocol protocol, int typeValue, byte reason)
    {
        var type = (PacketType)typeValue;
        var bytes = Ours(o => ControlPacketEncoder.WriteAck(o, type, 0xBEEF, reason, protocol));

        var sentReason = protocol == MqttProtocol.V500 ? reason : (byte)0;
        Assert.Equal(sentReason == 0 ? 4 : 5, bytes.Length);
        Assert.Equal(((int)type << 4) | (type == PacketType.PubRel ? 2 : 0), bytes[0]);
        var (id, code) = type switch
        {
            PacketType.PubAck => Decode<MqttPubAckPacket>(bytes, protocol) is var p ? (p.PacketIdentifier, (int)p.ReasonCode) : default,
            PacketType.PubRec => Decode<MqttPubRecPacket>(bytes, protocol) is var p ? (p.PacketIdentifier, (int)p.ReasonCode) : default,
            PacketType.PubRel => Decode<MqttPubRelPacket>(bytes, protocol) is var p ? (p.PacketIdentifier, (int)p.ReasonCode) : default,
            _ => Decode<MqttPubCompPacket>(bytes, protocol) is var p ? (p.PacketIdentifier, (int)p.ReasonCode) : default,
        };
        Assert.Equal(0xBEEF, id);
        Assert.Equal(sentReason, code);
    }

    [Theory]
    [InlineData(MqttProtocol.V311)]
    [InlineData(MqttProtocol.V500)]
    public void A_pingreq_decodes(MqttProtocol protocol)
    {
        var bytes = Ours(ControlPacketEncoder.WritePingReq);

        Assert.Equal([0xC0, 0], bytes);
        Decode<MqttPingReqPacket>(bytes, protocol);
    }

    [Theory]
    [InlineData(MqttProtocol.V311, 0, null, 2)]
    [InlineData(MqttProtocol.V311, 4, 100u, 2)]
    [InlineData(MqttProtocol.V500, 0, null, 2)]
    [InlineData(MqttProtocol.V500, 4, null, 3)]
    [InlineData(MqttProtocol.V500, 0, 0u, 9)]
    [InlineData(MqttProtocol.V500, 0x80, 86_400u, 9)]
    public void A_disconnect_decodes(MqttProtocol protocol, byte reason, uint? sessionExpiry, int length)
    {
        var bytes = Ours(o => ControlPacketEncoder.WriteDisconnect(o, protocol, reason, sessionExpiry));

        Assert.Equal(length, bytes.Length);
        var received = Decode<MqttDisconnectPacket>(bytes, protocol);
        if (protocol == MqttProtocol.V500)
        {
            Assert.Equal(reason, (byte)received.ReasonCode);
            Assert.Equal(sessionExpiry ?? 0, received.SessionExpiryInterval);
        }
    }

    [Fact]
    public void Packets_follow_each_other_in_one_writer()
    {
        var output = new ArrayBufferWriter<byte>();
        ControlPacketEncoder.WritePingReq(output);
        ControlPacketEncoder.WriteAck(output, PacketType.PubAck, 1, 0, MqttProtocol.V311);
        ControlPacketEncoder.WriteDisconnect(output, MqttProtocol.V311, 0);

        Assert.Equal([0xC0, 0, 0x40, 2, 0, 1, 0xE0, 0], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_large_connect_has_a_multi_byte_remaining_length()
    {
        var sent = new ConnectPacket { Protocol = MqttProtocol.V500, ClientId = "c", Username = new string('u', 65_535), Password = new byte[65_535] };

        var bytes = Ours(o => ControlPacketEncoder.WriteConnect(o, sent));

        var received = Decode<MqttConnectPacket>(bytes, MqttProtocol.V500);
        Assert.Equal(65_535, received.Username.Length);
        Assert.Equal(65_535, received.Password.Length);
    }

    public static TheoryData<string, string, Action<IBufferWriter<byte>>> BadArguments() => new()
    {
        { "client id too long", "client identifier", o => ControlPacketEncoder.WriteConnect(o, new ConnectPacket { Protocol = MqttProtocol.V500, ClientId = new string('é', 40_000) }) },
        { "user name with U+0000", "user name", o => ControlPacketEncoder.WriteConnect(o, new ConnectPacket { Protocol = MqttProtocol.V500, ClientId = "c", Username = "a\0b" }) },
        { "lone surrogate", "client identifier", o => ControlPacketEncoder.WriteConnect(o, new ConnectPacket { Protocol = MqttProtocol.V500, ClientId = "a\uD800" }) },
        { "password too long", "password", o => ControlPacketEncoder.WriteConnect(o, new ConnectPacket { Protocol = MqttProtocol.V500, ClientId = "c", Password = new byte[65_536] }) },
        { "3.1.1 password alone", "password without a user name", o => ControlPacketEncoder.WriteConnect(o, new ConnectPacket { Protocol = MqttProtocol.V311, ClientId = "c", Password = new byte[1] }) },
        { "will topic wildcard", "will topic", o => ControlPacketEncoder.WriteConnect(o, new ConnectPacket { Protocol = MqttProtocol.V500, ClientId = "c", Will = new WillMessage { Topic = "a/#" } }) },
        { "will payload too long", "will payload", o => ControlPacketEncoder.WriteConnect(o, new ConnectPacket { Protocol = MqttProtocol.V500, ClientId = "c", Will = new WillMessage { Topic = "a", Payload = new byte[65_536] } }) },
        { "will QoS 3", "will QoS", o => ControlPacketEncoder.WriteConnect(o, new ConnectPacket { Protocol = MqttProtocol.V311, ClientId = "c", Will = new WillMessage { Topic = "a", Qos = (Qos)3 } }) },
        { "no filters", "at least one topic filter", o => ControlPacketEncoder.WriteSubscribe(o, MqttProtocol.V500, 1, [], 0) },
        { "empty filter", "Topic filter 1 is empty", o => ControlPacketEncoder.WriteSubscribe(o, MqttProtocol.V500, 1, [new("a", Qos.AtMostOnce), new("", Qos.AtMostOnce)], 0) },
        { "subscribe id 0", "packet identifier", o => ControlPacketEncoder.WriteSubscribe(o, MqttProtocol.V311, 0, [new("a", Qos.AtMostOnce)], 0) },
        { "retain handling 3", "retain handling", o => ControlPacketEncoder.WriteSubscribe(o, MqttProtocol.V500, 1, [new("a", Qos.AtMostOnce, RetainHandling: 3)], 0) },
        { "no-local shared", "shared subscription", o => ControlPacketEncoder.WriteSubscribe(o, MqttProtocol.V500, 1, [new("$share/g/a", Qos.AtMostOnce, NoLocal: true)], 0) },
        { "subscription id too big", "subscription identifier", o => ControlPacketEncoder.WriteSubscribe(o, MqttProtocol.V500, 1, [new("a", Qos.AtMostOnce)], 268_435_456) },
        { "filter too long", "topic filter 0", o => ControlPacketEncoder.WriteSubscribe(o, MqttProtocol.V500, 1, [new(new string('a', 65_536), Qos.AtMostOnce)], 0) },
        { "no unsubscribe filters", "at least one topic filter", o => ControlPacketEncoder.WriteUnsubscribe(o, MqttProtocol.V311, 1, []) },
        { "unsubscribe id 0", "packet identifier", o => ControlPacketEncoder.WriteUnsubscribe(o, MqttProtocol.V311, 0, ["a"]) },
        { "ack type", "is not PUBACK", o => ControlPacketEncoder.WriteAck(o, PacketType.SubAck, 1, 0, MqttProtocol.V500) },
        { "ack id 0", "packet identifier", o => ControlPacketEncoder.WriteAck(o, PacketType.PubRel, 0, 0, MqttProtocol.V500) },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Arguments_MQTT_cannot_carry_throw_and_write_nothing(string what, string messagePart, Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();

        var e = Assert.ThrowsAny<ArgumentException>(() => write(output));

        Assert.Contains(messagePart, e.Message, StringComparison.Ordinal);
        Assert.True(output.WrittenCount == 0, $"{what}: bytes were written before the exception.");
    }
}
