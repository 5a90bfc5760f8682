namespace Switchboard.IntegrationTests.Brokers;

/// <summary>
/// One running broker shared by the tests of a class (<c>IClassFixture&lt;MosquittoFixture&gt;</c>). Tests that share
/// it must not stop or restart it, and should use unique client ids and topics.
/// </summary>
public abstract class BrokerFixture : IAsyncLifetime
{
    readonly string _name;
    readonly BrokerOptions? _options;
    ITestBroker? _broker;

    /// <summary>Creates the fixture for the broker called <paramref name="name"/>.</summary>
    protected BrokerFixture(string name, BrokerOptions? options = null)
    {
        _name = name;
        _options = options;
    }

    /// <summary>The running broker.</summary>
    public ITestBroker Broker => _broker ?? throw new InvalidOperationException("The broker fixture has not been initialized.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _broker = await TestBrokers.StartAsync(_name, _options);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}

/// <summary>A shared anonymous Mosquitto broker.</summary>
public sealed class MosquittoFixture : BrokerFixture
{
    /// <summary>Creates the fixture.</summary>
    public MosquittoFixture()
        : base(TestBrokers.Mosquitto)
    {
    }
}

/// <summary>A shared anonymous embedded MQTTnet broker.</summary>
public sealed class EmbeddedFixture : BrokerFixture
{
    /// <summary>Creates the fixture.</summary>
    public EmbeddedFixture()
        : base(TestBrokers.MqttNet)
    {
    }
}

/// <summary>
/// Both brokers, started once for a test class whose theories run against each of them:
/// <c>[Theory, MemberData(nameof(TestBrokers.All), MemberType = typeof(TestBrokers))]</c> then <c>fixture[name]</c>.
/// </summary>
public sealed class AllBrokersFixture : IAsyncLifetime
{
    readonly Dictionary<string, ITestBroker> _brokers = new(StringComparer.Ordinal);

    /// <summary>The running broker called <paramref name="name"/>.</summary>
    public ITestBroker this[string name] => _brokers.TryGetValue(name, out var broker)
        ? broker
        : throw new ArgumentOutOfRangeException(nameof(name), name, "No such broker in the fixture.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var mosquitto = TestBrokers.StartAsync(TestBrokers.Mosquitto);
        var mqttnet = TestBrokers.StartAsync(TestBrokers.MqttNet);
        try
        {
            await Task.WhenAll(mosquitto, mqttnet);
        }
        finally
        {
            foreach (var started in new[] { mosquitto, mqttnet })
            {
                if (started.IsCompletedSuccessfully)
                {
                    _brokers[started.Result.Name] = started.Result;
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var broker in _brokers.Values)
        {
            await broker.DisposeAsync();
        }
    }
}
