using System.Collections.Concurrent;

namespace Switchboard.Tests.Protocol.Fakes;

/// <summary>Stands in for the publish pump: records each publish the broker acknowledged.</summary>
internal sealed class RecordingAcknowledgements : IPublishAcknowledgements
{
    private readonly ConcurrentQueue<(OutgoingMessage Message, byte ReasonCode)> _completed = new();

    public IReadOnlyList<(OutgoingMessage Message, byte ReasonCode)> Completed => [.. _completed];

    public void OnCompleted(OutgoingMessage message, byte reasonCode, string? reasonString) => _completed.Enqueue((message, reasonCode));

    public void FlushCompletions()
    {
    }
}
