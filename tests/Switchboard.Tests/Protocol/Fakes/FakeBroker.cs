using System.Threading.Channels;

namespace Switchboard.Tests.Protocol.Fakes;

/// <summary>
/// A broker the test plays by hand: put <see cref="OpenAsync"/> in <see cref="ClientSettings.OpenTransport"/> and
/// every connection the client opens arrives here as a <see cref="FakeBrokerConnection"/>.
/// </summary>
internal sealed class FakeBroker : IDisposable
{
    private readonly Channel<FakeBrokerConnection> _connections = Channel.CreateUnbounded<FakeBrokerConnection>();
    private readonly List<FakeBrokerConnection> _all = [];
    private readonly List<BrokerEndpoint> _dialed = [];
    private readonly Lock _lock = new();

    /// <summary>How many connections the client has opened.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_lock)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>Every broker the client dialed, in order, refused ones included.</summary>
    public IReadOnlyList<BrokerEndpoint> Dialed
    {
        get
        {
            lock (_lock)
            {
                return [.. _dialed];
            }
        }
    }

    /// <summary>Hosts whose connections are refused (as by a closed port) instead of arriving here.</summary>
    public HashSet<string> Down { get; } = [];

    /// <summary>Runs as each connection is dialed, before it is refused or arrives (a test's way to act mid-attempt).</summary>
    public Action<BrokerEndpoint>? Dialing { get; set; }

    public Task<Stream> OpenAsync(ClientSettings settings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Dialing?.Invoke(settings.Endpoint);
        FakeBrokerConnection connection;
        lock (_lock)
        {
            _dialed.Add(settings.Endpoint);
            if (Down.Contains(settings.Endpoint.Host))
            {
                return Task.FromException<Stream>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
            }

            connection = FakeBrokerConnection.Create(_all.Count + 1, settings);
            _all.Add(connection);
        }

        _connections.Writer.TryWrite(connection);
        return Task.FromResult(connection.ClientStream);
    }

    /// <summary>The next connection the client opens.</summary>
    public async Task<FakeBrokerConnection> NextConnectionAsync(TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(5);
        try
        {
            return await _connections.Reader.ReadAsync().AsTask().WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The client opened no new connection within {wait.TotalSeconds} s ({ConnectionCount} so far).");
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var connection in _all)
            {
                connection.Dispose();
            }
        }
    }
}
