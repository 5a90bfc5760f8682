using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.HomeAssistant.Tests.Support;

/// <summary>The brokers these tests run against, from the shared fixtures in Switchboard.Testing.</summary>
internal static class TestBrokers
{
    /// <summary>The embedded MQTTnet.Server broker.</summary>
    public const string Embedded = EmbeddedBroker.BrokerName;

    /// <summary>The Mosquitto process broker.</summary>
    public const string Mosquitto = MosquittoBroker.BrokerName;

    /// <summary>Every broker available here: the embedded one always, Mosquitto when installed.</summary>
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string> { Embedded };
            if (MosquittoInstalled)
            {
                data.Add(Mosquitto);
            }

            return data;
        }
    }

    private static bool MosquittoInstalled
    {
        get
        {
            try
            {
                return MosquittoBroker.ExecutablePath.Length > 0;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>Creates and starts a broker on its own free loopback port; the caller disposes it (<c>await using</c>).</summary>
    public static async Task<ITestBroker> StartAsync(string name)
    {
        ITestBroker broker = name switch
        {
            Embedded => new EmbeddedBroker(),
            Mosquitto => new MosquittoBroker(),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown broker."),
        };
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
