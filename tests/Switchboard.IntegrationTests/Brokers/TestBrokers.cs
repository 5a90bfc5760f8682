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
