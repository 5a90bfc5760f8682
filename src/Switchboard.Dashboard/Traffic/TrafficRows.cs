namespace Switchboard.Dashboard.Traffic;

/// <summary>One topic of the traffic tree as the page gets it.</summary>
internal sealed record TopicRow(string Topic, long Count, bool Retained, int Qos, string Kind, string Payload, int Size, DateTimeOffset LastAt);

/// <summary>One message of the live stream as the page gets it; <see cref="Seq"/> counts every message seen.</summary>
internal sealed record StreamRow(long Seq, string Topic, int Qos, bool Retained, string Kind, string Payload, int Size, DateTimeOffset At);

/// <summary>Messages received in the second that ended at <see cref="At"/>.</summary>
internal sealed record RatePoint(DateTimeOffset At, long Count);
