using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Bench;

/// <summary>
/// The harness's own Mosquitto on a free loopback port (tests/Switchboard.Testing's MosquittoBroker: generated config
/// with <c>listener &lt;port&gt; 127.0.0.1</c>, <c>allow_anonymous true</c>, <c>set_tcp_nodelay true</c>,
/// <c>max_queued_messages 0</c>, <c>max_inflight_messages 0</c>, <c>max_queued_bytes 0</c>, no persistence),
/// killed on dispose and by <see cref="ExitGuard"/> on a signal.
/// </summary>
public sealed class PrivateBroker : IAsyncDisposable
{
    private readonly MosquittoBroker _broker;
    private readonly IDisposable _guard;

    private PrivateBroker(MosquittoBroker broker)
    {
        _broker = broker;
        _guard = ExitGuard.Register(() => broker.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5)));
    }

    public string Url => _broker.Url;

    /// <summary>The Mosquitto process, for reading its CPU time; null once it has exited.</summary>
    public int? ProcessId => _broker.ProcessId;

    /// <summary>Starts a private broker when <paramref name="url"/> is null; returns null when a URL was given.</summary>
    public static async Task<PrivateBroker?> StartUnlessAsync(string? url)
    {
        if (url is not null)
        {
            return null;
        }

        var broker = new MosquittoBroker(new BrokerOptions());
        var guarded = new PrivateBroker(broker);
        try
        {
            await broker.StartAsync();
        }
        catch
        {
            await guarded.DisposeAsync();
            throw;
        }

        return guarded;
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        _guard.Dispose();
    }
}
