namespace Switchboard.Bench;

/// <summary>Envelope data of the events scenario: <c>{"seq":n,"t":ticks}</c>.</summary>
public sealed record EventData(long Seq, long T);
