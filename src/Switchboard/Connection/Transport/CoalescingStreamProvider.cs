using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace Switchboard;

/// <summary>Opens the TCP connection of one session with a <see cref="CoalescingStream"/> on top, and keeps it so the
/// session's pump and dispatcher can cork it.</summary>
internal sealed class CoalescingStreamProvider : IMqttClientStreamProvider
{
    private readonly bool _packetAware;

    /// <param name="packetAware">No TLS will be layered on the stream, so it sees the MQTT packets themselves.</param>
    public CoalescingStreamProvider(bool packetAware = false)
    {
        _packetAware = packetAware;
    }

    public CoalescingStream? Stream { get; private set; }

    /// <summary>True when the stream will see MQTT packets (no TLS layered on it).</summary>
    public bool PacketAware => _packetAware;

    /// <summary>Given to the stream when it is made: where QoS 0/1 PUBLISHes go (packet-aware only).</summary>
    public IIncomingPublishes? Publishes { get; set; }

    public async Task<Stream> ConnectAsync(EndPoint brokerEndPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(brokerEndPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Stream = new CoalescingStream(socket, _packetAware);
        if (_packetAware)
        {
            Stream.Publishes = Publishes;
        }

        return Stream;
    }
}
