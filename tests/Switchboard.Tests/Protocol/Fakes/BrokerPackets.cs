namespace Switchboard.Tests.Protocol.Fakes;

/// <summary>The packets a (fake) broker sends, as bytes on the wire, built by hand so hostile variants are easy.</summary>
internal static class BrokerPackets
{
    public static byte[] PingResp { get; } = [0xD0, 0x00];

    /// <summary>A CONNACK: MQTT 5 with an empty property list, or 3.1.1 with its return code.</summary>
    public static byte[] ConnAck(MqttProtocol protocol, byte code, bool sessionPresent = false) => protocol == MqttProtocol.V500
        ? Frame(0x20, [sessionPresent ? (byte)1 : (byte)0, code, 0])
        : Frame(0x20, [sessionPresent ? (byte)1 : (byte)0, code]);

    public static byte[] Disconnect(byte reasonCode) => Frame(0xE0, [reasonCode, 0]);

    /// <summary>An MQTT 5 CONNACK refusing with <paramref name="code"/> (0x9C/0x9D) and a Server Reference property.</summary>
    public static byte[] ConnAckRedirect(byte code, string serverReference) => Frame(0x20, [0, code, .. ServerReferenceProperty(serverReference)]);

    /// <summary>An MQTT 5 DISCONNECT with <paramref name="code"/> (0x9C/0x9D) and a Server Reference property.</summary>
    public static byte[] DisconnectRedirect(byte code, string serverReference) => Frame(0xE0, [code, .. ServerReferenceProperty(serverReference)]);

    /// <summary>A property list holding only the Server Reference (0x1C): length, identifier, UTF-8 string.</summary>
    private static byte[] ServerReferenceProperty(string reference)
    {
        var text = System.Text.Encoding.UTF8.GetBytes(reference);
        byte[] property = [0x1C, (byte)(text.Length >> 8), (byte)text.Length, .. text];
        var length = new byte[4];
        var n = MqttFraming.WriteVariableInt(length, property.Length);
        return [.. length.AsSpan(0, n), .. property];
    }

    public static byte[] PubAck(ushort packetId) => Frame(0x40, [(byte)(packetId >> 8), (byte)packetId]);

    public static byte[] PubRec(ushort packetId) => Frame(0x50, [(byte)(packetId >> 8), (byte)packetId]);

    /// <summary>A SUBACK with exactly <paramref name="codes"/> (however many the SUBSCRIBE had).</summary>
    public static byte[] SubAck(MqttProtocol protocol, ushort packetId, params byte[] codes) => protocol == MqttProtocol.V500
        ? Frame(0x90, [(byte)(packetId >> 8), (byte)packetId, 0, .. codes])
        : Frame(0x90, [(byte)(packetId >> 8), (byte)packetId, .. codes]);

    /// <summary>A PUBLISH with any topic and packet identifier (no validation: hostile variants are the point).</summary>
    public static byte[] Publish(MqttProtocol protocol, string topic, Qos qos, ushort packetId, byte[] payload)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(topic);
        List<byte> body = [(byte)(name.Length >> 8), (byte)name.Length, .. name];
        if (qos != Qos.AtMostOnce)
        {
            body.AddRange([(byte)(packetId >> 8), (byte)packetId]);
        }

        if (protocol == MqttProtocol.V500)
        {
            body.Add(0);
        }

        body.AddRange(payload);
        return Frame((byte)(0x30 | ((int)qos << 1)), [.. body]);
    }

    /// <summary>The packet identifier of a SUBSCRIBE or UNSUBSCRIBE from the client (right after the fixed header).</summary>
    public static ushort PacketIdAfterHeader(byte[] packet)
    {
        var at = 1;
        while ((packet[at] & 0x80) != 0)
        {
            at++;
        }

        return (ushort)(packet[at + 1] << 8 | packet[at + 2]);
    }

    /// <summary>A fixed header (first byte and minimal remaining length) in front of <paramref name="body"/>.</summary>
    public static byte[] Frame(byte firstByte, ReadOnlySpan<byte> body)
    {
        var header = new byte[5];
        header[0] = firstByte;
        var length = 1 + MqttFraming.WriteVariableInt(header.AsSpan(1), body.Length);
        return [.. header.AsSpan(0, length), .. body];
    }
}
