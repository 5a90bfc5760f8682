using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.IntegrationTests.Faults;

/// <summary>
/// A TCP proxy on a loopback port that forwards every accepted connection to a target (usually a test broker) and
/// can break the network on demand: reset every connection (<see cref="CutAll"/>), black-hole traffic
/// (<see cref="Stall"/> / <see cref="Resume"/>) or refuse new connections (<see cref="RefuseNew"/>).
/// </summary>
/// <remarks>
/// Point the client at <see cref="Url"/> instead of the broker's. The proxy listens until disposed, so its port never
/// goes away underneath a reconnecting client. Every socket loop catches its own errors; disposing stops them all.
/// </remarks>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    const int BufferSize = 16 * 1024;
    static readonly TimeSpan UpstreamConnectTimeout = TimeSpan.FromSeconds(5);
    static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(5);

    readonly Socket _listener;
    readonly CancellationTokenSource _shutdown = new();
    readonly ConcurrentDictionary<long, Link> _links = new();
    readonly ConcurrentDictionary<long, Task> _linkTasks = new();
    readonly object _gate = new();
    readonly Task _acceptLoop;
    TaskCompletionSource _flowing = CompletedGate();
    bool _stalled;
    int _connectionCount;
    int _refusedCount;
    long _nextId;
    volatile bool _refuseNew;
    int _disposed;

    /// <summary>Starts listening on a free loopback port and forwarding to <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    public TcpFaultProxy(int targetPort, string targetHost = "127.0.0.1")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetPort);
        ArgumentException.ThrowIfNullOrEmpty(targetHost);
        TargetHost = targetHost;
        TargetPort = targetPort;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(512);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>A proxy in front of <paramref name="broker"/> (which may be restarted behind it).</summary>
    public static TcpFaultProxy For(ITestBroker broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        return new TcpFaultProxy(broker.Port, broker.Host);
    }

    /// <summary>
    /// A proxy in front of the <paramref name="transport"/> listener of <paramref name="broker"/>. The proxy only
    /// forwards bytes, so TLS and WebSockets pass through it: connect to <see cref="UrlFor"/> with the same transport.
    /// </summary>
    public static TcpFaultProxy For(ITestBroker broker, Transport transport)
    {
        ArgumentNullException.ThrowIfNull(broker);
        return new TcpFaultProxy(broker.PortFor(transport), broker.Host);
    }

    /// <summary>Where connections are forwarded to.</summary>
    public string TargetHost { get; }

    /// <summary>Where connections are forwarded to.</summary>
    public int TargetPort { get; }

    /// <summary>The proxy's loopback port.</summary>
    public int Port { get; }

    /// <summary>
    /// The proxy's URL for a client of <paramref name="transport"/>, e.g. <c>mqtts://127.0.0.1:{Port}</c>: the
    /// proxy must forward to a listener of that transport (<see cref="For(ITestBroker, Transport)"/>).
    /// </summary>
    public string UrlFor(Transport transport) => transport.Url("127.0.0.1", Port);

    /// <summary><c>mqtt://127.0.0.1:{Port}</c>.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"mqtt://127.0.0.1:{Port}");

    /// <summary>TCP connections accepted so far, including refused and stalled ones.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Connections reset on arrival because <see cref="RefuseNew"/> was set.</summary>
    public int RefusedCount => Volatile.Read(ref _refusedCount);

    /// <summary>Connections currently open through the proxy.</summary>
    public int ActiveConnections => _links.Count;

    /// <summary>True between <see cref="Stall"/> and <see cref="Resume"/>.</summary>
    public bool IsStalled
    {
        get
        {
            lock (_gate)
            {
                return _stalled;
            }
        }
    }

    /// <summary>
    /// While set, every new connection is accepted and immediately reset (RST): the client sees its connection reset
    /// before any CONNACK. Live connections are not affected.
    /// </summary>
    public bool RefuseNew
    {
        get => _refuseNew;
        set => _refuseNew = value;
    }

    /// <summary>Abruptly closes every live connection on both sides with a TCP reset.</summary>
    public void CutAll()
    {
        foreach (var link in _links.Values)
        {
            link.Abort();
        }
    }

    /// <summary>
    /// Black-holes the network: open sockets stay open but no byte is forwarded in either direction, and new
    /// connections are accepted but not forwarded (not even connected upstream). Peers notice only through their own
    /// timeouts (keep-alive, ping, ack), as with a dead link or a hung broker.
    /// </summary>
    public void Stall()
    {
        lock (_gate)
        {
            if (_stalled)
            {
                return;
            }

            _stalled = true;
            _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var link in _links.Values)
            {
                link.SawStall = true;
            }
        }
    }

    /// <summary>Forwards again after <see cref="Stall"/>.</summary>
    /// <param name="cutStalledConnections">
    /// False (default): connections that lived through the stall carry on and the bytes held back are delivered, as
    /// after a transient outage. True: those connections are reset first, and only new connections are forwarded.
    /// </param>
    public void Resume(bool cutStalledConnections = false)
    {
        TaskCompletionSource gate;
        var toCut = new List<Link>();
        lock (_gate)
        {
            if (!_stalled)
            {
                return;
            }

            _stalled = false;
            gate = _flowing;
            foreach (var link in _links.Values)
            {
                if (link.SawStall && cutStalledConnections)
                {
                    toCut.Add(link);
                }

                link.SawStall = false;
            }
        }

        // Reset before opening the gate, so none of the bytes held back leak through on a cut connection.
        foreach (var link in toCut)
        {
            link.Abort();
        }

        gate.TrySetResult();
    }

    /// <summary>Stops listening, resets every connection and waits for all socket loops to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _shutdown.Cancel();
        _listener.Dispose();
        CutAll();
        lock (_gate)
        {
            _stalled = false;
            _flowing.TrySetResult();
        }

        try
        {
            await Task.WhenAll([_acceptLoop, .. _linkTasks.Values]).WaitAsync(DisposeTimeout);
        }
        catch (TimeoutException)
        {
            // The loops observe cancellation and disposed sockets; a straggler only holds a pooled buffer.
        }

        _shutdown.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"proxy {Url} -> {TargetHost}:{TargetPort}";

    async Task AcceptLoopAsync()
    {
        var token = _shutdown.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                if (token.IsCancellationRequested)
                {
                    return;
                }

                continue; // e.g. ECONNABORTED: the peer gave up before we accepted.
            }

            Interlocked.Increment(ref _connectionCount);
            if (_refuseNew || token.IsCancellationRequested)
            {
                Interlocked.Increment(ref _refusedCount);
                Reset(client);
                continue;
            }

            var id = Interlocked.Increment(ref _nextId);
            var link = new Link(client, token);
            lock (_gate)
            {
                link.SawStall = _stalled;
                _links[id] = link;
            }

            var task = RunLinkAsync(id, link);
            _linkTasks[id] = task;
            _ = task.ContinueWith(completed => _linkTasks.TryRemove(id, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    async Task RunLinkAsync(long id, Link link)
    {
        try
        {
            // While stalled, an accepted connection is not even connected upstream.
            await WaitUntilFlowingAsync(link.Token);

            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (!link.AttachUpstream(upstream))
            {
                return;
            }

            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(link.Token))
            {
                connect.CancelAfter(UpstreamConnectTimeout);
                await upstream.ConnectAsync(TargetHost, TargetPort, connect.Token);
            }

            var toUpstream = PumpAsync(link.Client, upstream, link);
            var toClient = PumpAsync(upstream, link.Client, link);
            await Task.WhenAll(toUpstream, toClient);
            link.Close();
        }
        catch (Exception)
        {
            // Upstream refused or timed out, the link was cut, or the proxy is shutting down: reset both sides.
            link.Abort();
        }
        finally
        {
            _links.TryRemove(id, out _);
            link.Dispose();
        }
    }

    async Task PumpAsync(Socket from, Socket to, Link link)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, link.Token);
                if (read == 0)
                {
                    // Orderly close from this side: pass the FIN on, keep the other direction open.
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                // Stalled: hold these bytes and stop reading, so the sender's buffers fill as on a dead link.
                await WaitUntilFlowingAsync(link.Token);
                var sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, link.Token);
                }
            }
        }
        catch (Exception)
        {
            // A reset, a cut or shutdown in either direction ends the whole link.
            link.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    Task WaitUntilFlowingAsync(CancellationToken token)
    {
        Task gate;
        lock (_gate)
        {
            gate = _flowing.Task;
        }

        return gate.IsCompleted ? Task.CompletedTask : gate.WaitAsync(token);
    }

    static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        socket.Dispose();
    }

    /// <summary>One accepted connection and its upstream twin.</summary>
    sealed class Link : IDisposable
    {
        readonly object _sync = new();
        readonly CancellationTokenSource _cts;
        Socket? _upstream;
        bool _aborted;

        public Link(Socket client, CancellationToken shutdown)
        {
            Client = client;
            Client.NoDelay = true;
            _cts = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
            Token = _cts.Token;
        }

        public Socket Client { get; }

        public CancellationToken Token { get; }

        /// <summary>Lived through (part of) a stall; guarded by the proxy's gate lock.</summary>
        public bool SawStall { get; set; }

        public bool AttachUpstream(Socket upstream)
        {
            lock (_sync)
            {
                if (_aborted)
                {
                    upstream.Dispose();
                    return false;
                }

                _upstream = upstream;
                return true;
            }
        }

        /// <summary>Resets both sockets (RST) and cancels the loops. Idempotent, never throws.</summary>
        public void Abort()
        {
            Socket? upstream;
            lock (_sync)
            {
                if (_aborted)
                {
                    return;
                }

                _aborted = true;
                upstream = _upstream;
            }

            Reset(Client);
            if (upstream is not null)
            {
                Reset(upstream);
            }

            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Link already finished.
            }
        }

        /// <summary>Both directions ended in an orderly way: close normally.</summary>
        public void Close()
        {
            lock (_sync)
            {
                if (_aborted)
                {
                    return;
                }

                _aborted = true;
            }

            Client.Dispose();
            _upstream?.Dispose();
        }

        public void Dispose()
        {
            Abort();
            _cts.Dispose();
        }
    }
}
