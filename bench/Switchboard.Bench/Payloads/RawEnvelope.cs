namespace Switchboard.Bench;

/// <summary>The envelope as raw MQTTnet code would write it by hand (same wire format as Switchboard's).</summary>
public sealed record RawEnvelope(string Id, string Type, double Ts, string Source, EventData Data);
