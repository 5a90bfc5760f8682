using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.IntegrationTests.Faults;

/// <summary>Which way a packet travels through a <see cref="PacketCutProxy"/>.</summary>
public enum PacketDirection
{
    /// <summary>From the client to the broker.</summary>
    ToBroker,

    /// <summary>From the broker to the client.</summary>
    ToClient,
}

/// <summary>
/// A loopback proxy that understands MQTT framing (plain TCP only) and can cut a connection at an exact point of a
/// protocol flow: <see cref="CutBefore"/> drops the next packet of a type going one way and resets both sides, so
/// what was before it arrived and it never did (e.g. the broker got PUBREL, the client never saw PUBCOMP). Whole
/// packets are forwarded one at a time, which is slow but exact.
/// </summary>
public sealed class PacketCutProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _acceptLoop;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly Lock _lock = new();
    private (PacketDirection Direction, int Type, TaskCompletionSource Done)? _cut;
    private int _connections;

    /// <summary>Starts listening on a free loopback port and forwarding to the target.</summary>
    public PacketCutProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The proxy's port.</summary>
    public int Port { get; }

    /// <summary>Where clients connect.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"mqtt://127.0.0.1:{Port}");

    /// <summary>Bytes forwarded from clients to the broker so far.</summary>
    public long BytesToBroker => Interlocked.Read(ref _bytesToBroker);

    private long _bytesToBroker;

    /// <summary>Connections accepted so far.</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    /// <summary>
    /// Arms a one-shot cut: the next packet of MQTT type <paramref name="packetType"/> (3 = PUBLISH … 7 = PUBCOMP)
    /// travelling <paramref name="direction"/> is dropped and its connection reset. The task completes when it happened.
    /// </summary>
    public Task CutBefore(PacketDirection direction, int packetType)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _cut = (direction, packetType, done);
        }

        return done.Task;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        _listener.Dispose();
        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
        }

        _shutdown.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_shutdown.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_shutdown.Token);
            }
            catch (Exception)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => LinkAsync(client));
        }
    }

    private async Task LinkAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var linkCts = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        client.NoDelay = true;
        try
        {
            await upstream.ConnectAsync(_targetHost, _targetPort, linkCts.Token);
            var a = PumpAsync(client, upstream, PacketDirection.ToBroker, linkCts);
            var b = PumpAsync(upstream, client, PacketDirection.ToClient, linkCts);
            await Task.WhenAny(a, b);
        }
        catch (Exception)
        {
        }
        finally
        {
            await linkCts.CancelAsync();
            Reset(client);
            Reset(upstream);
            client.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, PacketDirection direction, CancellationTokenSource link)
    {
        var buffer = new byte[1 << 20];
        var filled = 0;
        while (!link.IsCancellationRequested)
        {
            int read;
            try
            {
                read = await from.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, link.Token);
            }
            catch (Exception)
            {
                return;
            }

            if (read == 0)
            {
                return;
            }

            filled += read;
            var start = 0;
            while (TryFrame(buffer.AsSpan(start, filled - start), out var length))
            {
                if (ShouldCut(direction, buffer[start] >> 4, out var done))
                {
                    done!.TrySetResult();
                    await link.CancelAsync();
                    return;
                }

                try
                {
                    await to.SendAsync(buffer.AsMemory(start, length), SocketFlags.None, link.Token);
                    if (direction == PacketDirection.ToBroker)
                    {
                        Interlocked.Add(ref _bytesToBroker, length);
                    }
                }
                catch (Exception)
                {
                    return;
                }

                start += length;
            }

            buffer.AsSpan(start, filled - start).CopyTo(buffer);
            filled -= start;
        }
    }

    private bool ShouldCut(PacketDirection direction, int type, out TaskCompletionSource? done)
    {
        lock (_lock)
        {
            if (_cut is { } cut && cut.Direction == direction && cut.Type == type)
            {
                _cut = null;
                done = cut.Done;
                return true;
            }
        }

        done = null;
        return false;
    }

    private static bool TryFrame(ReadOnlySpan<byte> data, out int length)
    {
        length = 0;
        var value = 0;
        for (var i = 1; i <= 4 && i < data.Length; i++)
        {
            value |= (data[i] & 0x7F) << (7 * (i - 1));
            if ((data[i] & 0x80) == 0)
            {
                length = 1 + i + value;
                return data.Length >= length;
            }
        }

        return false;
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception)
        {
        }
    }
}
