namespace Switchboard.IntegrationTests.Brokers;

/// <summary>
/// Creates test brokers by name. Each broker gets its own free loopback port, so tests can run in parallel.
/// Tests that stop, kill or restart a broker should own their broker (<see cref="StartAsync"/>) rather than share a
/// class fixture.
/// </summary>
public static class TestBrokers
{
    /// <summary>The Mosquitto process broker.</summary>
    public const string Mosquitto = MosquittoBroker.BrokerName;

    /// <summary>The embedded MQTTnet.Server broker.</summary>
    public const string MqttNet = EmbeddedBroker.BrokerName;

    /// <summary>Every broker, for <c>[Theory, MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]</c>.</summary>
    public static TheoryData<string> All => new() { Mosquitto, MqttNet };

    /// <summary>
    /// Every broker with every transport it serves: Mosquitto over TCP, TLS, WebSocket and WebSocket over TLS; MQTTnet
    /// over TCP, TLS and WebSocket (MQTTnet.AspNetCore's adapter behind Kestrel).
    /// </summary>
    public static IReadOnlyList<(string Broker, Transport Transport)> TransportPairs { get; } =
    [
        (Mosquitto, Transport.Tcp),
        (Mosquitto, Transport.Tls),
        (Mosquitto, Transport.WebSocket),
        (Mosquitto, Transport.SecureWebSocket),
        (MqttNet, Transport.Tcp),
        (MqttNet, Transport.Tls),
        (MqttNet, Transport.WebSocket),
    ];

    /// <summary>
    /// <see cref="TransportPairs"/> as theory data, for
    /// <c>[Theory, MemberData(nameof(TestBrokers.AllTransports), MemberType = typeof(TestBrokers))]</c> with
    /// parameters <c>(string brokerName, Transport transport)</c>.
    /// </summary>
    public static TheoryData<string, Transport> AllTransports
    {
        get
        {
            var data = new TheoryData<string, Transport>();
            foreach (var (broker, transport) in TransportPairs)
            {
                data.Add(broker, transport);
            }

            return data;
        }
    }

    /// <summary>The pairs of <see cref="AllTransports"/> whose transport runs TLS.</summary>
    public static TheoryData<string, Transport> TlsTransports => new()
    {
        { Mosquitto, Transport.Tls },
        { Mosquitto, Transport.SecureWebSocket },
        { MqttNet, Transport.Tls },
    };

    /// <summary>Creates a broker without starting it.</summary>
    public static ITestBroker Create(string name, BrokerOptions? options = null) => name switch
    {
        Mosquitto => new MosquittoBroker(options),
        MqttNet => new EmbeddedBroker(options),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"Unknown broker; use '{Mosquitto}' or '{MqttNet}'."),
    };

    /// <summary>Creates and starts a broker; the caller disposes it (<c>await using</c>).</summary>
    public static async Task<ITestBroker> StartAsync(string name, BrokerOptions? options = null)
    {
        var broker = Create(name, options);
        try
        {
            await broker.StartAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }
}
