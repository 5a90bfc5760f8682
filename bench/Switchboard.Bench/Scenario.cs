namespace Switchboard.Bench;

/// <summary>The measured scenarios, in table order.</summary>
public enum Scenario
{
    ThroughputQos0,
    ThroughputQos1,
    Latency,
    Envelope,
    PostOffline,
}

public static class ScenarioNames
{
    /// <summary>The name used by <c>--scenarios</c>.</summary>
    public static string Key(this Scenario scenario) => scenario switch
    {
        Scenario.ThroughputQos0 => "qos0",
        Scenario.ThroughputQos1 => "qos1",
        Scenario.Latency => "latency",
        Scenario.Envelope => "envelope",
        _ => "offline",
    };

    /// <summary>The row title in the table.</summary>
    public static string Title(this Scenario scenario, BenchSettings s) => scenario switch
    {
        Scenario.ThroughputQos0 => $"throughput QoS 0, {s.Messages / 1000}k × 64 B",
        Scenario.ThroughputQos1 => $"throughput QoS 1 (100 in flight), {s.Messages / 1000}k × 64 B",
        Scenario.Latency => $"latency QoS 1 at {s.Rate} msg/s, {s.LatencyMessages} samples",
        Scenario.Envelope => $"envelope events QoS 1, {s.EnvelopeMessages / 1000}k",
        Scenario.PostOffline => $"Post while disconnected, {s.OfflineMessages / 1000}k calls",
        _ => scenario.ToString(),
    };

    /// <summary>Messages that cross the broker in one run (0 when none do).</summary>
    public static int MessagesPerRun(this Scenario scenario, BenchSettings s) => scenario switch
    {
        Scenario.ThroughputQos0 or Scenario.ThroughputQos1 => s.Messages,
        Scenario.Latency => s.LatencyWarmup + s.LatencyMessages,
        Scenario.Envelope => s.EnvelopeMessages,
        _ => 0,
    };

    /// <summary>Latency-like scenarios compare p50 (lower is better); the others msg/s.</summary>
    public static bool ComparesLatency(this Scenario scenario) => scenario is Scenario.Latency or Scenario.PostOffline;

    /// <summary>Envelope and offline rows run on plain TCP only (they measure the API, not the transport).</summary>
    public static bool RunsOn(this Scenario scenario, BenchTarget target) =>
        target.Transport == BenchTransport.Tcp || scenario is Scenario.ThroughputQos0 or Scenario.ThroughputQos1 or Scenario.Latency;
}
