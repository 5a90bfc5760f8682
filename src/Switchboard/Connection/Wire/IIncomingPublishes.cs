namespace Switchboard;

/// <summary>Takes the QoS 0/1 PUBLISH packets of a connection off the receive path, before MQTTnet reads the stream.</summary>
internal interface IIncomingPublishes
{
    /// <summary>Called on the receive path with each complete QoS 0/1 PUBLISH, in arrival order.</summary>
    /// <param name="firstByte">The fixed header's first byte (type and flags).</param>
    /// <param name="body">Everything after the fixed header; valid only during the call.</param>
    /// <param name="wait">Not completed when the receive path must wait before reading on (backpressure); never faults.</param>
    /// <returns>False when the packet could not be decoded: it is then left to MQTTnet.</returns>
    bool TryTake(byte firstByte, ReadOnlySpan<byte> body, out ValueTask wait);
}
