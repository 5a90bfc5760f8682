using System.Text;

namespace Switchboard;

/// <summary>An MQTT message received by a subscription handler.</summary>
public sealed class MqttMessage
{
    /// <summary>Creates a message.</summary>
    public MqttMessage(string topic, ReadOnlyMemory<byte> payload, Qos qos = Qos.AtMostOnce, bool retain = false)
    {
        Topic = topic;
        Payload = payload;
        Qos = qos;
        Retain = retain;
    }

    /// <summary>The topic the message was published to.</summary>
    public string Topic { get; }

    /// <summary>The payload bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The QoS it was delivered with.</summary>
    public Qos Qos { get; }

    /// <summary>True when the broker sent it from its retained store (on subscribe).</summary>
    public bool Retain { get; }

    /// <summary>MQTT 5 response topic, when the sender set one (request/response).</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>MQTT 5 correlation data, when the sender set it.</summary>
    public ReadOnlyMemory<byte> CorrelationData { get; init; }

    /// <summary>MQTT 5 content type, when the sender set it.</summary>
    public string? ContentType { get; init; }

    /// <summary>MQTT 5 user properties, when the sender set any.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> UserProperties { get; init; } = [];

    /// <summary>The MQTT 5 subscription identifier the broker sent with the message (0 = none): which of this
    /// client's subscriptions the copy is for.</summary>
    internal int SubscriptionId { get; init; }

    /// <summary>All subscription identifiers when the broker sent more than one, else null.</summary>
    internal int[]? SubscriptionIds { get; init; }

    /// <summary>The payload decoded as UTF-8.</summary>
    public string PayloadAsString() => Encoding.UTF8.GetString(Payload.Span);

    /// <inheritdoc/>
    public override string ToString() => $"{Topic} ({Payload.Length} bytes, QoS {(int)Qos}{(Retain ? ", retained" : "")})";
}
