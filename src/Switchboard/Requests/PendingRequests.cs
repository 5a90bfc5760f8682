using System.Collections.Concurrent;
using System.Text;

namespace Switchboard;

/// <summary>
/// Requests awaiting their reply, by correlation id. A reply is matched by MQTT 5 correlation data when present, else
/// by the reply envelope's <c>id</c> (how the Python services answer over 3.1.1). Replies are taken straight from the
/// receive path, never queued behind handlers, so a handler may itself await a request without deadlocking.
/// </summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<MqttMessage>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _inboxes = new(StringComparer.Ordinal);

    public int Count => _pending.Count;

    public void AddInbox(string topic) => _inboxes.TryAdd(topic, 0);

    public bool IsInbox(string topic) => _inboxes.ContainsKey(topic);

    public TaskCompletionSource<MqttMessage> Register(string correlationId)
    {
        var completion = new TaskCompletionSource<MqttMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(correlationId, completion))
        {
            throw new InvalidOperationException($"A request with correlation id '{correlationId}' is already pending.");
        }

        return completion;
    }

    public void Unregister(string correlationId) => _pending.TryRemove(correlationId, out _);

    /// <summary>Completes the request this message answers; false when it answers none.</summary>
    public bool TryComplete(MqttMessage message, out string? correlationId)
    {
        correlationId = null;
        if (_pending.IsEmpty || !_inboxes.ContainsKey(message.Topic))
        {
            return false;
        }

        if (!message.CorrelationData.IsEmpty)
        {
            correlationId = Encoding.UTF8.GetString(message.CorrelationData.Span);
        }
        else if (EnvelopeCodec.TryReadHeader(message.Payload.Span, out var header, out _))
        {
            correlationId = header.Id;
        }

        if (correlationId is null || !_pending.TryRemove(correlationId, out var completion))
        {
            return false;
        }

        completion.TrySetResult(message);
        return true;
    }
}
