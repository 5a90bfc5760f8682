using MQTTnet.Packets;
using MQTTnet.Protocol;
using static Switchboard.Tests.Protocol.Packets.MqttnetOracle;

namespace Switchboard.Tests.Protocol.Packets;

/// <summary>
/// What a broken or hostile broker can send: cut-off packets, random and mutated bytes, invalid UTF-8, the protocol
/// errors the spec names. The decoders must answer false with an error for what is wrong, and never throw.
/// </summary>
public sealed class ControlPacketHostileInputTests
{
    private delegate bool Decoder(byte firstByte, ReadOnlySpan<byte> body, MqttProtocol protocol, out string? error);

    private static readonly Dictionary<string, Decoder> Decoders = new()
    {
        ["connack"] = (byte f, ReadOnlySpan<byte> b, MqttProtocol p, out string? e) => ControlPacketDecoder.TryDecodeConnAck(f, b, p, out _, out e),
        ["suback"] = (byte f, ReadOnlySpan<byte> b, MqttProtocol p, out string? e) => ControlPacketDecoder.TryDecodeSubAck(f, b, p, out _, out e),
        ["unsuback"] = (byte f, ReadOnlySpan<byte> b, MqttProtocol p, out string? e) => ControlPacketDecoder.TryDecodeUnsubAck(f, b, p, out _, out e),
        ["ack"] = (byte f, ReadOnlySpan<byte> b, MqttProtocol p, out string? e) => ControlPacketDecoder.TryDecodeAck(f, b, p, out _, out e),
        ["disconnect"] = (byte f, ReadOnlySpan<byte> b, MqttProtocol p, out string? e) => ControlPacketDecoder.TryDecodeDisconnect(f, b, p, out _, out e),
        ["pingresp"] = (byte f, ReadOnlySpan<byte> b, MqttProtocol p, out string? e) => ControlPacketDecoder.TryDecodePingResp(f, b, out e),
    };

    private static readonly byte[] FirstBytes = [0x20, 0x90, 0xB0, 0x40, 0x50, 0x62, 0x70, 0xE0, 0xD0];

    private static List<MqttUserProperty> UserProperties() => [new("k", "v"u8.ToArray().AsMemory())];

    /// <summary>A valid packet, and which shorter bodies the spec still accepts (its short forms, fewer reason codes).</summary>
    private sealed record Sample(string Decoder, MqttProtocol Protocol, byte FirstByte, byte[] Body, Func<int, bool> ValidPrefix);

    private static Sample From(string decoder, MqttProtocol protocol, MqttPacket packet, Func<int, int, bool> validPrefix)
    {
        var (first, body) = Encode(packet, protocol);
        return new Sample(decoder, protocol, first, body, length => validPrefix(length, body.Length));
    }

    private static List<Sample> Samples() =>
    [
        From("connack", MqttProtocol.V311, new MqttConnAckPacket { ReturnCode = MqttConnectReturnCode.ConnectionAccepted, IsSessionPresent = true }, (_, _) => false),
        From("connack", MqttProtocol.V500, new MqttConnAckPacket
        {
            ReasonCode = MqttConnectReasonCode.Success,
            ReasonString = "hi",
            ReceiveMaximum = 5,
            MaximumPacketSize = 1000,
            TopicAliasMaximum = 3,
            AssignedClientIdentifier = "id",
            ServerKeepAlive = 9,
            SessionExpiryInterval = 10,
            UserProperties = UserProperties(),
        }, (length, _) => length == 2),
        From("suback", MqttProtocol.V311, new MqttSubAckPacket { PacketIdentifier = 3, ReasonCodes = [MqttSubscribeReasonCode.GrantedQoS1, MqttSubscribeReasonCode.UnspecifiedError] }, (length, _) => length >= 3),
        From("suback", MqttProtocol.V500, new MqttSubAckPacket { PacketIdentifier = 3, ReasonCodes = [MqttSubscribeReasonCode.GrantedQoS1, MqttSubscribeReasonCode.NotAuthorized], ReasonString = "r", UserProperties = UserProperties() }, (length, full) => length >= full - 1),
        From("unsuback", MqttProtocol.V311, new MqttUnsubAckPacket { PacketIdentifier = 4 }, (_, _) => false),
        From("unsuback", MqttProtocol.V500, new MqttUnsubAckPacket { PacketIdentifier = 4, ReasonCodes = [MqttUnsubscribeReasonCode.Success, MqttUnsubscribeReasonCode.NoSubscriptionExisted], ReasonString = "r" }, (length, full) => length >= full - 1),
        From("ack", MqttProtocol.V311, new MqttPubAckPacket { PacketIdentifier = 5 }, (_, _) => false),
        From("ack", MqttProtocol.V311, new MqttPubRelPacket { PacketIdentifier = 5 }, (_, _) => false),
        From("ack", MqttProtocol.V500, new MqttPubAckPacket { PacketIdentifier = 5, ReasonCode = MqttPubAckReasonCode.NotAuthorized, ReasonString = "no", UserProperties = UserProperties() }, (length, _) => length is 2 or 3),
        From("ack", MqttProtocol.V500, new MqttPubRecPacket { PacketIdentifier = 5, ReasonCode = MqttPubRecReasonCode.QuotaExceeded, ReasonString = "q" }, (length, _) => length is 2 or 3),
        From("ack", MqttProtocol.V500, new MqttPubRelPacket { PacketIdentifier = 5, ReasonCode = MqttPubRelReasonCode.PacketIdentifierNotFound, ReasonString = "?" }, (length, _) => length is 2 or 3),
        From("ack", MqttProtocol.V500, new MqttPubCompPacket { PacketIdentifier = 5, ReasonCode = MqttPubCompReasonCode.PacketIdentifierNotFound, UserProperties = UserProperties() }, (length, _) => length is 2 or 3),
        From("disconnect", MqttProtocol.V500, new MqttDisconnectPacket { ReasonCode = MqttDisconnectReasonCode.UseAnotherServer, ReasonString = "go", ServerReference = "b:1", UserProperties = UserProperties() }, (length, _) => length is 0 or 1),
    ];

    [Fact]
    public void Every_truncation_of_a_valid_packet_is_rejected_unless_it_is_a_legal_short_form()
    {
        foreach (var sample in Samples())
        {
            var decode = Decoders[sample.Decoder];
            Assert.True(decode(sample.FirstByte, sample.Body, sample.Protocol, out var fullError), $"{sample.Decoder} {sample.Protocol}: {fullError}");
            for (var length = 0; length < sample.Body.Length; length++)
            {
                var ok = decode(sample.FirstByte, sample.Body.AsSpan(0, length), sample.Protocol, out var error);
                Assert.True(ok == sample.ValidPrefix(length), $"{sample.Decoder} {sample.Protocol}, {length} of {sample.Body.Length} bytes: {(ok ? "accepted" : error)}");
                Assert.True(ok == (error is null), $"{sample.Decoder} {sample.Protocol}, {length} bytes: the error does not match the result");
            }
        }
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(20_240_601);
        var body = new byte[48];
        var decoders = Decoders.Values.ToArray();
        for (var i = 0; i < 4000; i++)
        {
            var first = random.Next(8) == 0 ? (byte)random.Next(256) : FirstBytes[random.Next(FirstBytes.Length)];
            var length = random.Next(body.Length + 1);
            random.NextBytes(body);

            // Plausible starts get past the first checks: a non-zero packet id and a small property length.
            if (random.Next(2) == 0 && length > 3)
            {
                body[0] = 0;
                body[1] = 1;
                body[2] = (byte)random.Next(length - 2);
            }

            foreach (var protocol in new[] { MqttProtocol.V311, MqttProtocol.V500 })
            {
                foreach (var decode in decoders)
                {
                    var ok = decode(first, body.AsSpan(0, length), protocol, out var error);
                    Assert.True(ok == (error is null));
                }
            }
        }
    }

    [Fact]
    public void Mutated_valid_packets_never_throw()
    {
        var random = new Random(7);
        var samples = Samples();
        for (var i = 0; i < 4000; i++)
        {
            var sample = samples[random.Next(samples.Count)];
            var body = sample.Body.ToArray();
            for (var flips = random.Next(1, 4); flips > 0 && body.Length > 0; flips--)
            {
                body[random.Next(body.Length)] = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)(body[random.Next(body.Length)] ^ (1 << random.Next(8)));
            }

            var ok = Decoders[sample.Decoder](sample.FirstByte, body, sample.Protocol, out var error);
            Assert.True(ok == (error is null));
        }
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    [Theory]
    [InlineData("C3 28")] // a lead byte without its continuation
    [InlineData("C0 80")] // overlong U+0000
    [InlineData("ED A0 80")] // a UTF-16 surrogate
    [InlineData("FF")]
    [InlineData("E2 82")] // cut off in the middle of a character
    [InlineData("61 00 62")] // U+0000, which MQTT strings may not contain
    public void Invalid_UTF8_in_a_reason_string_is_rejected(string bad)
    {
        var utf8 = Hex(bad);
        byte[] reasonString = [0x1F, 0, (byte)utf8.Length, .. utf8];
        byte[] properties = [(byte)reasonString.Length, .. reasonString];

        Assert.False(ControlPacketDecoder.TryDecodeAck(0x40, [0, 1, 0x80, .. properties], MqttProtocol.V500, out _, out var error));
        Assert.Equal("PUBACK: property 0x1F (reason string) is not valid UTF-8", error);
        Assert.False(ControlPacketDecoder.TryDecodeConnAck(0x20, [0, 0x80, .. properties], MqttProtocol.V500, out _, out error));
        Assert.Equal("CONNACK: property 0x1F (reason string) is not valid UTF-8", error);
        Assert.False(ControlPacketDecoder.TryDecodeSubAck(0x90, [0, 1, .. properties, 0], MqttProtocol.V500, out _, out error));
        Assert.Equal("SUBACK: property 0x1F (reason string) is not valid UTF-8", error);
        Assert.False(ControlPacketDecoder.TryDecodeUnsubAck(0xB0, [0, 1, .. properties, 0], MqttProtocol.V500, out _, out error));
        Assert.Equal("UNSUBACK: property 0x1F (reason string) is not valid UTF-8", error);
        Assert.False(ControlPacketDecoder.TryDecodeDisconnect(0xE0, [0x80, .. properties], MqttProtocol.V500, out _, out error));
        Assert.Equal("DISCONNECT: property 0x1F (reason string) is not valid UTF-8", error);
    }

    [Fact]
    public void Invalid_UTF8_in_a_user_property_is_rejected()
    {
        Assert.False(ControlPacketDecoder.TryDecodeAck(0x40, Hex("0001 80 07 26 0001 61 0001 FF"), MqttProtocol.V500, out _, out var error));
        Assert.Equal("PUBACK: property 0x26 (user property) is not valid UTF-8", error);
    }

    [Theory]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 03 21 0000", "CONNACK: property 0x21 (receive maximum) is 0")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 05 27 00000000", "CONNACK: property 0x27 (maximum packet size) is 0")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 06 21 0005 21 0005", "CONNACK: property 0x21 (receive maximum) appears twice")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 02 24 02", "CONNACK: property 0x24 (maximum QoS) is 2, not 0 or 1")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 02 25 02", "CONNACK: property 0x25 (retain available) is 2, not 0 or 1")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 03 23 0001", "CONNACK: property 0x23 (topic alias) is not allowed in this packet")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 01 7F", "CONNACK: unknown property 0x7F")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 02 21 00", "CONNACK: property 0x21 (receive maximum) is cut off")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 04 12 0005 61", "CONNACK: property 0x12 (assigned client identifier) is cut off")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 00 FF", "CONNACK: 1 unexpected bytes after the properties")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 09", "CONNACK: the properties are 9 bytes but only 0 follow")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 FF FF FF FF", "CONNACK: the property length is cut off or malformed")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "02 00 00", "CONNACK: reserved acknowledge flags are set (0x02)")]
    [InlineData("connack", MqttProtocol.V500, 0x20, "01 80 00", "CONNACK: session present with the refusal code 0x80")]
    [InlineData("connack", MqttProtocol.V500, 0x21, "00 00 00", "CONNACK: fixed header flags are 0x1, must be 0x0")]
    [InlineData("connack", MqttProtocol.V500, 0x90, "00 00 00", "CONNACK: first byte 0x90 is not a CONNACK")]
    [InlineData("connack", MqttProtocol.V311, 0x20, "00 06", "CONNACK: return code 6 is not defined in 3.1.1")]
    [InlineData("connack", MqttProtocol.V311, 0x20, "00 00 00", "CONNACK: the body is 3 bytes; 3.1.1 has exactly 2")]
    [InlineData("suback", MqttProtocol.V500, 0x90, "0001 00", "SUBACK: no reason codes")]
    [InlineData("suback", MqttProtocol.V311, 0x90, "0001", "SUBACK: no reason codes")]
    [InlineData("suback", MqttProtocol.V311, 0x90, "0001 03", "SUBACK: reason code 0x03 is not defined")]
    [InlineData("suback", MqttProtocol.V311, 0x90, "0001 87", "SUBACK: reason code 0x87 is not defined")]
    [InlineData("suback", MqttProtocol.V500, 0x90, "0001 00 05", "SUBACK: reason code 0x05 is not defined")]
    [InlineData("suback", MqttProtocol.V500, 0x90, "0000 00 00", "SUBACK: packet identifier is 0")]
    [InlineData("suback", MqttProtocol.V500, 0x90, "0001 03 1F 0001", "SUBACK: property 0x1F (reason string) is cut off")]
    [InlineData("suback", MqttProtocol.V500, 0x90, "0001 06 1F 0000 1F 0000 00", "SUBACK: property 0x1F (reason string) appears twice")]
    [InlineData("unsuback", MqttProtocol.V311, 0xB0, "0001 00", "UNSUBACK: the body is 3 bytes; 3.1.1 has exactly 2")]
    [InlineData("unsuback", MqttProtocol.V500, 0xB0, "0001 00", "UNSUBACK: no reason codes")]
    [InlineData("unsuback", MqttProtocol.V500, 0xB0, "0001 00 01", "UNSUBACK: reason code 0x01 is not defined")]
    [InlineData("unsuback", MqttProtocol.V500, 0xB2, "0001 00 00", "UNSUBACK: fixed header flags are 0x2, must be 0x0")]
    [InlineData("ack", MqttProtocol.V500, 0x60, "0001", "PUBREL: fixed header flags are 0x0, must be 0x2")]
    [InlineData("ack", MqttProtocol.V500, 0x42, "0001", "PUBACK: fixed header flags are 0x2, must be 0x0")]
    [InlineData("ack", MqttProtocol.V500, 0x30, "0001", "acknowledgement: first byte 0x30 is not a PUBACK, PUBREC, PUBREL or PUBCOMP")]
    [InlineData("ack", MqttProtocol.V311, 0x40, "0001 00", "PUBACK: the body is 3 bytes; 3.1.1 has exactly 2")]
    [InlineData("ack", MqttProtocol.V500, 0x70, "0000", "PUBCOMP: packet identifier is 0")]
    [InlineData("ack", MqttProtocol.V500, 0x50, "0001 80 05 11 00000001", "PUBREC: property 0x11 (session expiry interval) is not allowed in this packet")]
    [InlineData("ack", MqttProtocol.V500, 0x40, "0001 80 05 1F 0001 61", "PUBACK: the properties are 5 bytes but only 4 follow")]
    [InlineData("disconnect", MqttProtocol.V311, 0xE0, "00", "DISCONNECT: the body is 1 bytes; 3.1.1 has none")]
    [InlineData("disconnect", MqttProtocol.V500, 0xE0, "00 06 1F 0000 1F 0000", "DISCONNECT: property 0x1F (reason string) appears twice")]
    [InlineData("disconnect", MqttProtocol.V500, 0xE0, "00 03 21 0001", "DISCONNECT: property 0x21 (receive maximum) is not allowed in this packet")]
    [InlineData("pingresp", MqttProtocol.V500, 0xD0, "00", "PINGRESP: the body is 1 bytes; it has none")]
    [InlineData("pingresp", MqttProtocol.V500, 0xD1, "", "PINGRESP: fixed header flags are 0x1, must be 0x0")]
    public void Protocol_errors_are_named(string decoder, MqttProtocol protocol, int firstByte, string body, string expected)
    {
        Assert.False(Decoders[decoder]((byte)firstByte, Hex(body), protocol, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 0E 15 0001 61 16 0002 0102 26 0000 0000")] // authentication method and data are skipped
    [InlineData("connack", MqttProtocol.V500, 0x20, "00 00 0A 26 0000 0000 26 0000 0000")] // user properties may repeat
    [InlineData("disconnect", MqttProtocol.V500, 0xE0, "8E 00")]
    [InlineData("suback", MqttProtocol.V500, 0x90, "0001 00 00 01 02 80 A2")]
    [InlineData("ack", MqttProtocol.V500, 0x62, "0001 92 00")]
    public void Edge_cases_the_spec_allows_are_accepted(string decoder, MqttProtocol protocol, int firstByte, string body)
    {
        Assert.True(Decoders[decoder]((byte)firstByte, Hex(body), protocol, out var error), error);
    }
}
