namespace Switchboard;

/// <summary>Takes the PUBACKs of the publishes Switchboard wrote itself, before MQTTnet reads the stream.</summary>
internal interface IPublishAcknowledgements
{
    /// <summary>
    /// Called on the connection's receive path for every PUBACK; true when it acknowledged one of ours (the packet is
    /// then removed from the stream), false to leave it to MQTTnet.
    /// </summary>
    /// <param name="packetId">The acknowledged packet identifier.</param>
    /// <param name="reasonCode">The MQTT 5 reason code (0 on 3.1.1 and when absent).</param>
    /// <param name="properties">The MQTT 5 properties (empty when absent).</param>
    bool TryAcknowledge(ushort packetId, byte reasonCode, ReadOnlySpan<byte> properties);
}
