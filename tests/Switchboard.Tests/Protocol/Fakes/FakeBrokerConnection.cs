using System.IO.Pipelines;
using System.Threading.Channels;
using MQTTnet.Packets;
using Switchboard.Tests.Protocol.Packets;

namespace Switchboard.Tests.Protocol.Fakes;

/// <summary>
/// The broker's end of one connection the client opened: the test reads the client's packets (framed here, decoded
/// with MQTTnet where it matters) and writes the broker's packets back. <see cref="Close"/> hangs up;
/// <see cref="BlackHole"/> keeps the connection open but never answers again (a half-open connection).
/// </summary>
internal sealed class FakeBrokerConnection : IDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(5);

    private readonly PipeStream _stream;
    private readonly Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>();
    private readonly TaskCompletionSource _clientClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _blackHoled;

    private FakeBrokerConnection(PipeStream stream, int number)
    {
        _stream = stream;
        Number = number;
        _ = Task.Run(PumpAsync);
    }

    /// <summary>1 for the first connection the client opened, 2 for the next …</summary>
    public int Number { get; }

    /// <summary>The client's end, handed to the client as its transport.</summary>
    public Stream ClientStream { get; private init; } = null!;

    /// <summary>Completes when the client has closed its end (after everything it sent was read).</summary>
    public Task ClientClosed => _clientClosed.Task;

    /// <summary>The broker the client meant to reach, and the credentials it was given for it.</summary>
    public BrokerEndpoint Endpoint { get; private init; } = null!;

    /// <summary>The user name the client's settings hold for this broker.</summary>
    public string? Username { get; private init; }

    public static FakeBrokerConnection Create(int number, ClientSettings? settings = null)
    {
        var toBroker = new Pipe(PipeStream.Unbounded);
        var toClient = new Pipe(PipeStream.Unbounded);
        return new FakeBrokerConnection(new PipeStream(toBroker.Reader, toClient.Writer), number)
        {
            ClientStream = new PipeStream(toClient.Reader, toBroker.Writer),
            Endpoint = settings?.Endpoint ?? new BrokerEndpoint("mqtt", "broker.test", 1883, string.Empty, false, false, null, null),
            Username = settings?.Username,
        };
    }

    /// <summary>The next complete packet the client sent (fixed header included).</summary>
    public async Task<byte[]> ReceiveAsync(TimeSpan? timeout = null)
    {
        try
        {
            return await _received.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? DefaultWait);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"Connection {Number}: the client closed the connection instead of sending a packet.");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Connection {Number}: the client sent no packet within {(timeout ?? DefaultWait).TotalSeconds} s.");
        }
    }

    /// <summary>The next packet, which must be of <paramref name="type"/>.</summary>
    public async Task<byte[]> ExpectAsync(PacketType type, TimeSpan? timeout = null)
    {
        var packet = await ReceiveAsync(timeout);
        Assert.True((PacketType)(packet[0] >> 4) == type, $"Connection {Number}: expected {type}, the client sent {(PacketType)(packet[0] >> 4)} (0x{packet[0]:X2}).");
        return packet;
    }

    /// <summary>The next packet, which must be a CONNECT; decoded by MQTTnet in the version it announces.</summary>
    public async Task<(MqttConnectPacket Packet, MqttProtocol Protocol)> ExpectConnectAsync(TimeSpan? timeout = null)
    {
        var packet = await ExpectAsync(PacketType.Connect, timeout);
        var (headerLength, _) = MqttnetOracle.FixedHeader(packet);

        // Variable header: protocol name "MQTT" (2-byte length + 4 bytes), then the protocol level.
        var protocol = packet[headerLength + 6] == 5 ? MqttProtocol.V500 : MqttProtocol.V311;
        return (MqttnetOracle.Decode<MqttConnectPacket>(packet, protocol), protocol);
    }

    /// <summary>True when no packet from the client is waiting to be read.</summary>
    public bool NothingReceived => !_received.Reader.TryPeek(out _);

    /// <summary>Writes bytes to the client (ignored once black-holed).</summary>
    public async Task SendAsync(byte[] bytes)
    {
        if (_blackHoled)
        {
            return;
        }

        await _stream.WriteAsync(bytes);
    }

    /// <summary>The broker hangs up: the client reads end-of-stream.</summary>
    public void Close() => _stream.Dispose();

    /// <summary>From now on the broker neither reads nor answers, but keeps the connection open.</summary>
    public void BlackHole() => _blackHoled = true;

    public void Dispose() => _stream.Dispose();

    private async Task PumpAsync()
    {
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(chunk);
                if (read == 0)
                {
                    break;
                }

                if (_blackHoled)
                {
                    continue;
                }

                buffer.AddRange(chunk.AsSpan(0, read));
                while (TryTakePacket(buffer, out var packet))
                {
                    _received.Writer.TryWrite(packet);
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException)
        {
        }

        _received.Writer.TryComplete();
        _clientClosed.TrySetResult();
    }

    private static bool TryTakePacket(List<byte> buffer, out byte[] packet)
    {
        packet = [];
        var remaining = 0;
        var at = 1;
        for (var shift = 0; ; shift += 7)
        {
            if (at >= buffer.Count)
            {
                return false;
            }

            var b = buffer[at++];
            remaining |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (buffer.Count < at + remaining)
        {
            return false;
        }

        packet = [.. buffer.GetRange(0, at + remaining)];
        buffer.RemoveRange(0, at + remaining);
        return true;
    }
}
