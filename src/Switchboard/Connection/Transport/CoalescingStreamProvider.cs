using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace Switchboard;

/// <summary>Opens the TCP connection of one session with a <see cref="CoalescingStream"/> on top, and keeps it so the
/// session's pump and dispatcher can cork it.</summary>
internal sealed class CoalescingStreamProvider : IMqttClientStreamProvider
{
    public CoalescingStream? Stream { get; private set; }

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

        Stream = new CoalescingStream(socket);
        return Stream;
    }
}
