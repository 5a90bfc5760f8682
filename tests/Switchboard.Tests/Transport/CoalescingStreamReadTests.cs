using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.WebSockets;
using Switchboard.Tests.Protocol.Fakes;

namespace Switchboard.Tests.Transport;

/// <summary>
/// Reads from a WebSocket transport return as a large frame's bytes arrive, so the keep-alive watchdog sees progress
/// on a slow link (a .NET WebSocket receive otherwise waits until the buffer it was given is full or the frame ends).
/// </summary>
public sealed class CoalescingStreamReadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_read_from_a_websocket_returns_the_part_of_a_large_frame_that_has_arrived()
    {
        var toClient = new Pipe(PipeStream.Unbounded);
        var toServer = new Pipe(PipeStream.Unbounded);
        var clientEnd = new PipeStream(toClient.Reader, toServer.Writer);
        var client = WebSocket.CreateFromStream(clientEnd, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var stream = new CoalescingStream(WebSocketStream.Create(client, WebSocketMessageType.Binary, ownsWebSocket: true));
        try
        {
            // One unmasked binary frame (server to client) of 200,000 bytes, of which only the header and a little
            // more than two read chunks have arrived: the broker is still sending the rest.
            const int FrameLength = 200_000;
            const int Arrived = (2 * CoalescingStream.WebSocketReadChunk) + 100;
            var header = new byte[10];
            header[0] = 0x82;
            header[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), FrameLength);
            await toClient.Writer.WriteAsync(header);
            await toClient.Writer.WriteAsync(new byte[Arrived]);

            var buffer = new byte[256 * 1024];
            var received = 0;
            for (var i = 0; i < 2; i++)
            {
                var read = await stream.ReadAsync(buffer, CancellationToken.None).AsTask().WaitAsync(Timeout);
                Assert.InRange(read, 1, CoalescingStream.WebSocketReadChunk);
                received += read;
            }

            Assert.InRange(received, CoalescingStream.WebSocketReadChunk, Arrived);
        }
        finally
        {
            // The broker hangs up: the WebSocket sees the end of the stream and the dispose does not wait for a close.
            await toClient.Writer.CompleteAsync();
            stream.Dispose();
            await clientEnd.DisposeAsync();
        }
    }
}
