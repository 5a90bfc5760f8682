namespace Switchboard;

/// <summary>
/// The receive side of one connection's QoS 0/1 messages when Switchboard reads them from the stream itself: decodes
/// each PUBLISH and hands it to the client (requests, then the dispatcher), all on the receive path.
/// </summary>
internal sealed class PublishReceiver : IIncomingPublishes
{
    private readonly PublishPacketDecoder _decoder;
    private readonly ConnectionSession _session;
    private readonly Func<ConnectionSession, MqttMessage, ushort, ValueTask> _deliver;

    public PublishReceiver(ConnectionSession session, Func<ConnectionSession, MqttMessage, ushort, ValueTask> deliver)
    {
        _session = session;
        _deliver = deliver;
        _decoder = new PublishPacketDecoder(session.Protocol);
    }

    public bool TryTake(byte firstByte, ReadOnlySpan<byte> body, out ValueTask wait)
    {
        if (!_decoder.TryDecode(firstByte, body, out var message, out var packetId))
        {
            wait = ValueTask.CompletedTask;
            return false;
        }

        wait = _deliver(_session, message!, packetId);
        return true;
    }
}
