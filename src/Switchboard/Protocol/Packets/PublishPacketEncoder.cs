using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Switchboard;

/// <summary>
/// Encodes an <see cref="OutgoingMessage"/> as an MQTT PUBLISH packet (3.1.1 or 5), for the publishes Switchboard
/// writes to the stream itself. The fixed and variable headers go to a scratch buffer; the payload is written after
/// them as it is, never copied here.
/// </summary>
internal static class PublishPacketEncoder
{
    private const byte ContentTypeProperty = 0x03;
    private const byte ResponseTopicProperty = 0x08;
    private const byte CorrelationDataProperty = 0x09;
    private const byte TopicAliasProperty = 0x23;
    private const byte UserPropertyProperty = MqttPropertyIds.UserProperty;
    private const int MaxStringBytes = ushort.MaxValue;

    /// <summary>Writes everything of the PUBLISH before its payload into <paramref name="header"/> (cleared first).</summary>
    /// <param name="header">Scratch buffer for the headers.</param>
    /// <param name="message">The message.</param>
    /// <param name="packetId">Packet identifier (QoS ≥ 1); ignored at QoS 0.</param>
    /// <param name="protocol">Protocol of the connection: MQTT 5 properties are left out on 3.1.1.</param>
    /// <param name="maximumPacketSize">The broker's maximum packet size (0 = none announced).</param>
    /// <param name="duplicate">Sets DUP: a resend of a packet the broker may have seen.</param>
    /// <param name="topicAlias">MQTT 5 topic alias to send (0 = none).</param>
    /// <param name="aliasEstablished">The broker already knows <paramref name="topicAlias"/>: the topic is left out.</param>
    /// <exception cref="ArgumentException">A string is too long for MQTT, or the packet exceeds the broker's maximum.</exception>
    public static void WriteHeader(ArrayBufferWriter<byte> header, OutgoingMessage message, ushort packetId, MqttProtocol protocol, uint maximumPacketSize, bool duplicate = false, ushort topicAlias = 0, bool aliasEstablished = false)
    {
        header.ResetWrittenCount();
        var v5 = protocol == MqttProtocol.V500;
        var withAlias = v5 && topicAlias != 0;
        var topicBytes = withAlias && aliasEstablished ? 0 : StringSize(message.Topic, "topic");
        var contentTypeBytes = v5 && message.ContentType is not null ? StringSize(message.ContentType, "content type") : -1;
        var responseTopicBytes = v5 && message.ResponseTopic is not null ? StringSize(message.ResponseTopic, "response topic") : -1;
        var correlationBytes = v5 && !message.CorrelationData.IsEmpty ? message.CorrelationData.Length : -1;
        if (correlationBytes > MaxStringBytes)
        {
            throw new ArgumentException($"The correlation data of the message to '{message.Topic}' is {correlationBytes} bytes; MQTT allows at most {MaxStringBytes}.");
        }

        var userProperties = v5 ? message.UserProperties : null;
        var userPropertiesBytes = userProperties is null ? 0 : UserPropertiesSize(userProperties);
        var propertiesLength = (withAlias ? 3 : 0)
            + (contentTypeBytes >= 0 ? 3 + contentTypeBytes : 0)
            + (responseTopicBytes >= 0 ? 3 + responseTopicBytes : 0)
            + (correlationBytes >= 0 ? 3 + correlationBytes : 0)
            + userPropertiesBytes;
        var withId = message.Qos != Qos.AtMostOnce;
        var variableHeader = 2 + topicBytes + (withId ? 2 : 0) + (v5 ? MqttFraming.VariableIntSize(propertiesLength) + propertiesLength : 0);
        var remaining = (long)variableHeader + message.Payload.Length;
        var total = 1 + MqttFraming.VariableIntSize((int)Math.Min(remaining, MqttFraming.MaxRemainingLength)) + remaining;
        if (remaining > MqttFraming.MaxRemainingLength || (maximumPacketSize > 0 && total > maximumPacketSize))
        {
            throw new ArgumentException(maximumPacketSize > 0 && total > maximumPacketSize
                ? $"The message to '{message.Topic}' would be a {total}-byte packet; the broker accepts at most {maximumPacketSize} bytes."
                : $"The message to '{message.Topic}' would be a {total}-byte packet; MQTT allows at most {MqttFraming.MaxRemainingLength} bytes after the fixed header.");
        }

        var span = header.GetSpan(1 + 4 + variableHeader);
        span[0] = (byte)((MqttFraming.PublishType << 4) | ((int)message.Qos << 1) | (message.Retain ? 1 : 0) | (duplicate ? 0x08 : 0));
        var at = 1 + MqttFraming.WriteVariableInt(span[1..], (int)remaining);
        if (topicBytes == 0 && withAlias)
        {
            span[at++] = 0;
            span[at++] = 0;
        }
        else
        {
            at += WriteString(span[at..], message.Topic, topicBytes);
        }

        if (withId)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], packetId);
            at += 2;
        }

        if (v5)
        {
            at += MqttFraming.WriteVariableInt(span[at..], propertiesLength);
            if (withAlias)
            {
                span[at++] = TopicAliasProperty;
                BinaryPrimitives.WriteUInt16BigEndian(span[at..], topicAlias);
                at += 2;
            }

            if (contentTypeBytes >= 0)
            {
                span[at++] = ContentTypeProperty;
                at += WriteString(span[at..], message.ContentType!, contentTypeBytes);
            }

            if (responseTopicBytes >= 0)
            {
                span[at++] = ResponseTopicProperty;
                at += WriteString(span[at..], message.ResponseTopic!, responseTopicBytes);
            }

            if (correlationBytes >= 0)
            {
                span[at++] = CorrelationDataProperty;
                BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)correlationBytes);
                message.CorrelationData.Span.CopyTo(span[(at + 2)..]);
                at += 2 + correlationBytes;
            }

            if (userProperties is not null)
            {
                foreach (var (name, value) in userProperties)
                {
                    span[at++] = UserPropertyProperty;
                    at += WriteString(span[at..], name, Encoding.UTF8.GetByteCount(name));
                    at += WriteString(span[at..], value, Encoding.UTF8.GetByteCount(value));
                }
            }
        }

        header.Advance(at);
    }

    // Each pair: the identifier byte and two length-prefixed UTF-8 strings.
    private static int UserPropertiesSize(KeyValuePair<string, string>[] properties)
    {
        var bytes = 0;
        foreach (var (name, value) in properties)
        {
            bytes += 1 + 2 + StringSize(name, "user property name") + 2 + StringSize(value, "user property value");
        }

        return bytes;
    }

    private static int StringSize(string value, string what)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        return bytes <= MaxStringBytes
            ? bytes
            : throw new ArgumentException($"The {what} is {bytes} bytes in UTF-8; MQTT allows at most {MaxStringBytes}.");
    }

    private static int WriteString(Span<byte> destination, string value, int bytes)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)bytes);
        Encoding.UTF8.GetBytes(value, destination[2..]);
        return 2 + bytes;
    }
}
