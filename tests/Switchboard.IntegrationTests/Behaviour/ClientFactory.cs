using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Faults;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>Options for clients under test: fast reconnects and keep-alive so fault tests finish quickly.</summary>
internal static class TestClients
{
    public static SwitchboardOptions Options(string url, string? clientId = null, Action<SwitchboardOptions>? configure = null)
    {
        var options = new SwitchboardOptions
        {
            Url = url,
            ClientId = clientId ?? $"t-{Guid.NewGuid():N}"[..20],
            KeepAlive = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            DrainTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Options for a client of <paramref name="broker"/>'s <paramref name="transport"/> listener; TLS is verified against the broker's CA.</summary>
    public static SwitchboardOptions Options(ITestBroker broker, Transport transport, string? clientId = null, Action<SwitchboardOptions>? configure = null) =>
        Options(broker.UrlFor(transport), clientId, Trusting(broker, transport, configure));

    /// <summary>Options for a client that reaches <paramref name="broker"/>'s <paramref name="transport"/> listener through <paramref name="proxy"/>.</summary>
    public static SwitchboardOptions Options(TcpFaultProxy proxy, ITestBroker broker, Transport transport, string? clientId = null, Action<SwitchboardOptions>? configure = null) =>
        Options(proxy.UrlFor(transport), clientId, Trusting(broker, transport, configure));

    public static async Task<SwitchboardClient> ConnectAsync(string url, string? clientId = null, Action<SwitchboardOptions>? configure = null)
    {
        var client = new SwitchboardClient(Options(url, clientId, configure));
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await client.ConnectAsync(cts.Token);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public static Task<SwitchboardClient> ConnectAsync(ITestBroker broker, Transport transport, string? clientId = null, Action<SwitchboardOptions>? configure = null) =>
        ConnectAsync(broker.UrlFor(transport), clientId, Trusting(broker, transport, configure));

    public static Task<SwitchboardClient> ConnectAsync(TcpFaultProxy proxy, ITestBroker broker, Transport transport, string? clientId = null, Action<SwitchboardOptions>? configure = null) =>
        ConnectAsync(proxy.UrlFor(transport), clientId, Trusting(broker, transport, configure));

    public static Task<SwitchboardClient> ConnectAsync(ITestBroker broker, string? clientId = null, Action<SwitchboardOptions>? configure = null) =>
        ConnectAsync(broker.Url, clientId, configure);

    public static Task<SwitchboardClient> ConnectAsync(TcpFaultProxy proxy, string? clientId = null, Action<SwitchboardOptions>? configure = null) =>
        ConnectAsync(proxy.Url, clientId, configure);

    private static Action<SwitchboardOptions> Trusting(ITestBroker broker, Transport transport, Action<SwitchboardOptions>? configure) => o =>
    {
        if (transport.UsesTls())
        {
            o.TlsCaFile = broker.TlsCaFile;
        }

        configure?.Invoke(o);
    };
}
