using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Faults;

namespace Switchboard.Reliability;

/// <summary>
/// The faults a soak injects, in turn: every kind the reliability bench knows except the stall (which waits out a
/// keep-alive and would leave no time for traffic between faults). Each kind's count is kept for the report.
/// </summary>
public sealed class FaultRotation(MosquittoBroker broker, TcpFaultProxy publisherProxy, TcpFaultProxy subscriberProxy)
{
    /// <summary>The kinds, in the order they are injected. Cuts and restarts alternate so that each restart finds
    /// sessions that have just reconnected and each cut finds a broker that has just restarted.</summary>
    private static readonly string[] Kinds =
    [
        "cut both connections",
        "broker restart (SIGTERM)",
        "cut publisher connection",
        "broker restart (SIGKILL)",
        "cut subscriber connection",
    ];

    private readonly int[] _counts = new int[Kinds.Length];
    private int _next;

    /// <summary>Faults injected so far.</summary>
    public int Injected => _next;

    /// <summary>Faults injected so far, per kind (in rotation order).</summary>
    public IReadOnlyList<(string Kind, int Count)> Counts => Kinds.Select((kind, i) => (kind, _counts[i])).ToList();

    /// <summary>Injects the next fault; a broker restart returns once the broker accepts connections again.</summary>
    public async Task InjectNextAsync()
    {
        var kind = _next % Kinds.Length;
        switch (kind)
        {
            case 0:
                publisherProxy.CutAll();
                subscriberProxy.CutAll();
                break;
            case 1:
                await broker.StopAsync();
                await broker.StartAsync();
                break;
            case 2:
                publisherProxy.CutAll();
                break;
            case 3:
                await broker.KillAsync();
                await broker.StartAsync();
                break;
            default:
                subscriberProxy.CutAll();
                break;
        }

        _counts[kind]++;
        _next++;
    }
}
