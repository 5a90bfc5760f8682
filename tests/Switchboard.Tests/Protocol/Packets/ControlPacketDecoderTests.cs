using MQTTnet.Packets;
using MQTTnet.Protocol;
using static Switchboard.Tests.Protocol.Packets.MqttnetOracle;

namespace Switchboard.Tests.Protocol.Packets;

/// <summary>The control packets a broker sends, encoded by MQTTnet's formatter as the reference and decoded by ours.</summary>
public sealed class ControlPacketDecoderTests
{
    private static List<MqttUserProperty> UserProperties() => [new("origin", "broker"u8.ToArray().AsMemory()), new("ü", ReadOnlyMemory<byte>.Empty)];

    [Theory]
    [InlineData(MqttConnectReturnCode.ConnectionAccepted, true)]
    [InlineData(MqttConnectReturnCode.ConnectionAccepted, false)]
    [InlineData(MqttConnectReturnCode.ConnectionRefusedUnacceptableProtocolVersion, false)]
    [InlineData(MqttConnectReturnCode.ConnectionRefusedIdentifierRejected, false)]
    [InlineData(MqttConnectReturnCode.ConnectionRefusedServerUnavailable, false)]
    [InlineData(MqttConnectReturnCode.ConnectionRefusedBadUsernameOrPassword, false)]
    [InlineData(MqttConnectReturnCode.ConnectionRefusedNotAuthorized, false)]
    public void A_311_connack_decodes(MqttConnectReturnCode code, bool sessionPresent)
    {
        var (first, body) = Encode(new MqttConnAckPacket { ReturnCode = code, IsSessionPresent = sessionPresent }, MqttProtocol.V311);

        Assert.True(ControlPacketDecoder.TryDecodeConnAck(first, body, MqttProtocol.V311, out var packet, out var error), error);
        Assert.Null(error);
        Assert.Equal((byte)code, packet!.ReasonCode);
        Assert.Equal(sessionPresent, packet.SessionPresent);
        Assert.Equal(2, packet.MaximumQos);
        Assert.True(packet.RetainAvailable);
        Assert.Null(packet.ServerKeepAlive);
    }

    [Fact]
    public void A_5_connack_without_properties_has_the_defaults()
    {
        // MQTTnet's packet defaults are not the spec's: these are the values it leaves out.
        var sent = new MqttConnAckPacket
        {
            ReasonCode = MqttConnectReasonCode.Success,
            IsSessionPresent = true,
            MaximumQoS = MqttQualityOfServiceLevel.ExactlyOnce,
            RetainAvailable = true,
            WildcardSubscriptionAvailable = true,
            SubscriptionIdentifiersAvailable = true,
            SharedSubscriptionAvailable = true,
        };
        var (first, body) = Encode(sent, MqttProtocol.V500);

        Assert.Equal([0x01, 0x00, 0x00], body);
        Assert.True(ControlPacketDecoder.TryDecodeConnAck(first, body, MqttProtocol.V500, out var packet, out var error), error);
        Assert.True(packet!.SessionPresent);
        Assert.Equal(0, packet.ReasonCode);
        Assert.Null(packet.ReasonString);
        Assert.Equal(0, packet.ReceiveMaximum);
        Assert.Equal(0u, packet.MaximumPacketSize);
        Assert.Equal(0, packet.TopicAliasMaximum);
        Assert.Null(packet.AssignedClientIdentifier);
        Assert.Null(packet.ServerKeepAlive);
        Assert.Null(packet.SessionExpiryInterval);
        Assert.Equal(2, packet.MaximumQos);
        Assert.True(packet.RetainAvailable && packet.WildcardSubscriptionAvailable && packet.SubscriptionIdentifiersAvailable && packet.SharedSubscriptionAvailable);
    }

    [Fact]
    public void A_5_connack_with_every_property_decodes()
    {
        var sent = new MqttConnAckPacket
        {
            ReasonCode = MqttConnectReasonCode.Success,
            ReasonString = "wilkommen ✓",
            ReceiveMaximum = 20,
            MaximumPacketSize = 131_072,
            TopicAliasMaximum = 7,
            AssignedClientIdentifier = "auto-1F2E",
            ServerKeepAlive = 45,
            MaximumQoS = MqttQualityOfServiceLevel.AtLeastOnce,
            RetainAvailable = false,
            WildcardSubscriptionAvailable = false,
            SubscriptionIdentifiersAvailable = false,
            SharedSubscriptionAvailable = false,
            SessionExpiryInterval = 600,
            ServerReference = "other.example:1883",
            ResponseInformation = "resp/",
            UserProperties = UserProperties(),
        };
        var (first, body) = Encode(sent, MqttProtocol.V500);

        Assert.True(ControlPacketDecoder.TryDecodeConnAck(first, body, MqttProtocol.V500, out var packet, out var error), error);
        Assert.Equal("wilkommen ✓", packet!.ReasonString);
        Assert.Equal(20, packet.ReceiveMaximum);
        Assert.Equal(131_072u, packet.MaximumPacketSize);
        Assert.Equal(7, packet.TopicAliasMaximum);
        Assert.Equal("auto-1F2E", packet.AssignedClientIdentifier);
        Assert.Equal((ushort)45, packet.ServerKeepAlive);
        Assert.Equal(1, packet.MaximumQos);
        Assert.False(packet.RetainAvailable);
        Assert.False(packet.WildcardSubscriptionAvailable);
        Assert.False(packet.SubscriptionIdentifiersAvailable);
        Assert.False(packet.SharedSubscriptionAvailable);
        Assert.Equal(600u, packet.SessionExpiryInterval);
        Assert.Equal("other.example:1883", packet.ServerReference);
        Assert.Equal("resp/", packet.ResponseInformation);
    }

    [Fact]
    public void A_5_refusal_decodes_with_its_reason()
    {
        var (first, body) = Encode(new MqttConnAckPacket { ReasonCode = MqttConnectReasonCode.NotAuthorized, ReasonString = "nope" }, MqttProtocol.V500);

        Assert.True(ControlPacketDecoder.TryDecodeConnAck(first, body, MqttProtocol.V500, out var packet, out var error), error);
        Assert.Equal(0x87, packet!.ReasonCode);
        Assert.Equal("nope", packet.ReasonString);
    }

    [Fact]
    public void A_311_brokers_answer_to_a_5_connect_reads_as_unacceptable_protocol_version()
    {
        // What a 3.1.1-only broker sends back to a 5.0 CONNECT: no property length.
        var (first, body) = Encode(new MqttConnAckPacket { ReturnCode = MqttConnectReturnCode.ConnectionRefusedUnacceptableProtocolVersion }, MqttProtocol.V311);

        Assert.True(ControlPacketDecoder.TryDecodeConnAck(first, body, MqttProtocol.V500, out var packet, out var error), error);
        Assert.Equal(1, packet!.ReasonCode);
    }

    [Theory]
    [InlineData(MqttProtocol.V311)]
    [InlineData(MqttProtocol.V500)]
    public void A_suback_decodes(MqttProtocol protocol)
    {
        var sent = new MqttSubAckPacket
        {
            PacketIdentifier = 0x4321,
            ReasonCodes = [MqttSubscribeReasonCode.GrantedQoS0, MqttSubscribeReasonCode.GrantedQoS1, MqttSubscribeReasonCode.GrantedQoS2, MqttSubscribeReasonCode.UnspecifiedError],
            ReasonString = protocol == MqttProtocol.V500 ? "partly" : null,
            UserProperties = protocol == MqttProtocol.V500 ? UserProperties() : null,
        };
        var (first, body) = Encode(sent, protocol);

        Assert.True(ControlPacketDecoder.TryDecodeSubAck(first, body, protocol, out var packet, out var error), error);
        Assert.Equal(0x4321, packet!.PacketId);
        Assert.Equal([0, 1, 2, 0x80], packet.ReasonCodes);
        Assert.Equal(sent.ReasonString, packet.ReasonString);
    }

    [Fact]
    public void A_5_suback_keeps_the_5_failure_codes()
    {
        var sent = new MqttSubAckPacket
        {
            PacketIdentifier = 1,
            ReasonCodes = [MqttSubscribeReasonCode.NotAuthorized, MqttSubscribeReasonCode.TopicFilterInvalid, MqttSubscribeReasonCode.SharedSubscriptionsNotSupported, MqttSubscribeReasonCode.WildcardSubscriptionsNotSupported],
        };
        var (first, body) = Encode(sent, MqttProtocol.V500);

        Assert.True(ControlPacketDecoder.TryDecodeSubAck(first, body, MqttProtocol.V500, out var packet, out var error), error);
        Assert.Equal([0x87, 0x8F, 0x9E, 0xA2], packet!.ReasonCodes);
    }

    [Theory]
    [InlineData(MqttProtocol.V311)]
    [InlineData(MqttProtocol.V500)]
    public void An_unsuback_decodes(MqttProtocol protocol)
    {
        var v5 = protocol == MqttProtocol.V500;
        var sent = new MqttUnsubAckPacket
        {
            PacketIdentifier = 9,
            ReasonCodes = v5 ? [MqttUnsubscribeReasonCode.Success, MqttUnsubscribeReasonCode.NoSubscriptionExisted, MqttUnsubscribeReasonCode.NotAuthorized] : null,
            ReasonString = v5 ? "done" : null,
            UserProperties = v5 ? UserProperties() : null,
        };
        var (first, body) = Encode(sent, protocol);

        Assert.True(ControlPacketDecoder.TryDecodeUnsubAck(first, body, protocol, out var packet, out var error), error);
        Assert.Equal(9, packet!.PacketId);
        Assert.Equal(v5 ? [0x00, 0x11, 0x87] : [], packet.ReasonCodes);
        Assert.Equal(sent.ReasonString, packet.ReasonString);
    }

    /// <summary>One of the four acknowledgements, as MQTTnet builds it.</summary>
    private static MqttPacket Ack(PacketType type, ushort id, byte reason, string? reasonString, bool userProperties) => type switch
    {
        PacketType.PubAck => new MqttPubAckPacket { PacketIdentifier = id, ReasonCode = (MqttPubAckReasonCode)reason, ReasonString = reasonString, UserProperties = userProperties ? UserProperties() : null },
        PacketType.PubRec => new MqttPubRecPacket { PacketIdentifier = id, ReasonCode = (MqttPubRecReasonCode)reason, ReasonString = reasonString, UserProperties = userProperties ? UserProperties() : null },
        PacketType.PubRel => new MqttPubRelPacket { PacketIdentifier = id, ReasonCode = (MqttPubRelReasonCode)reason, ReasonString = reasonString, UserProperties = userProperties ? UserProperties() : null },
        _ => new MqttPubCompPacket { PacketIdentifier = id, ReasonCode = (MqttPubCompReasonCode)reason, ReasonString = reasonString, UserProperties = userProperties ? UserProperties() : null },
    };

    [Theory]
    [InlineData(MqttProtocol.V311, (int)PacketType.PubAck, 0, null, false)]
    [InlineData(MqttProtocol.V311, (int)PacketType.PubRec, 0, null, false)]
    [InlineData(MqttProtocol.V311, (int)PacketType.PubRel, 0, null, false)]
    [InlineData(MqttProtocol.V311, (int)PacketType.PubComp, 0, null, false)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubAck, 0, null, false)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubRec, 0, null, false)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubRel, 0, null, false)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubComp, 0, null, false)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubAck, 0x10, null, false)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubAck, 0x87, "not for you", true)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubRec, 0x97, "quota", false)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubRel, 0x92, "unknown id", true)]
    [InlineData(MqttProtocol.V500, (int)PacketType.PubComp, 0x00, null, true)]
    public void An_ack_decodes(MqttProtocol protocol, int typeValue, byte reason, string? reasonString, bool userProperties)
    {
        var type = (PacketType)typeValue;
        var (first, body) = Encode(Ack(type, 0xFFFF, reason, reasonString, userProperties), protocol);

        Assert.True(ControlPacketDecoder.TryDecodeAck(first, body, protocol, out var packet, out var error), error);
        Assert.Equal(new AckPacket(type, 0xFFFF, reason, reasonString), packet);
    }

    [Theory]
    [InlineData(0, null, null, null, false)]
    [InlineData(0x8B, null, null, null, false)]
    [InlineData(0x9C, "moving", "other:1883", null, true)]
    [InlineData(0x00, null, null, 30u, false)]
    public void A_5_disconnect_decodes(byte reason, string? reasonString, string? serverReference, uint? sessionExpiry, bool userProperties)
    {
        var sent = new MqttDisconnectPacket
        {
            ReasonCode = (MqttDisconnectReasonCode)reason,
            ReasonString = reasonString,
            ServerReference = serverReference,
            SessionExpiryInterval = sessionExpiry ?? 0,
            UserProperties = userProperties ? UserProperties() : null,
        };
        var (first, body) = Encode(sent, MqttProtocol.V500);

        Assert.True(ControlPacketDecoder.TryDecodeDisconnect(first, body, MqttProtocol.V500, out var packet, out var error), error);
        Assert.Equal(reason, packet!.ReasonCode);
        Assert.Equal(reasonString, packet.ReasonString);
        Assert.Equal(serverReference, packet.ServerReference);
        Assert.Equal(sessionExpiry, packet.SessionExpiryInterval);
    }

    [Theory]
    [InlineData(MqttProtocol.V311)]
    [InlineData(MqttProtocol.V500)]
    public void An_empty_disconnect_is_a_normal_disconnection(MqttProtocol protocol)
    {
        var (first, body) = Encode(new MqttDisconnectPacket(), MqttProtocol.V311);

        Assert.Empty(body);
        Assert.True(ControlPacketDecoder.TryDecodeDisconnect(first, body, protocol, out var packet, out var error), error);
        Assert.Equal(0, packet!.ReasonCode);
    }

    [Theory]
    [InlineData(MqttProtocol.V311)]
    [InlineData(MqttProtocol.V500)]
    public void A_pingresp_decodes(MqttProtocol protocol)
    {
        var (first, body) = Encode(MqttPingRespPacket.Instance, protocol);

        Assert.True(ControlPacketDecoder.TryDecodePingResp(first, body, out var error), error);
        Assert.Null(error);
    }

    [Fact]
    public void Our_encoders_acks_decode_with_our_decoder()
    {
        foreach (var protocol in new[] { MqttProtocol.V311, MqttProtocol.V500 })
        {
            foreach (var type in new[] { PacketType.PubAck, PacketType.PubRec, PacketType.PubRel, PacketType.PubComp })
            {
                var bytes = Ours(o => ControlPacketEncoder.WriteAck(o, type, 77, 0x80, protocol));
                Assert.True(ControlPacketDecoder.TryDecodeAck(bytes[0], bytes.AsSpan(2), protocol, out var packet, out var error), error);
                Assert.Equal(new AckPacket(type, 77, protocol == MqttProtocol.V500 ? (byte)0x80 : (byte)0, null), packet);
            }
        }
    }
}
