using System.Collections.Concurrent;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.IntegrationTests.Behaviour;

/// <summary>Collects what a handler receives and lets a test await a count.</summary>
internal sealed class MessageCollector
{
    private readonly ConcurrentQueue<MqttMessage> _messages = new();

    public MessageHandler Handler => (message, _) =>
    {
        _messages.Enqueue(message);
        return ValueTask.CompletedTask;
    };

    public IReadOnlyList<MqttMessage> Messages => [.. _messages];

    public int Count => _messages.Count;

    public Task WaitForAsync(int count, TimeSpan? timeout = null, string? what = null) =>
        Eventually.WaitAsync(() => _messages.Count >= count, timeout ?? TimeSpan.FromSeconds(15), what ?? $"{count} message(s) arrived (have {_messages.Count})");

    public Task WaitForAsync(Func<MqttMessage, bool> predicate, TimeSpan? timeout = null, string? what = null) =>
        Eventually.WaitAsync(() => _messages.Any(predicate), timeout ?? TimeSpan.FromSeconds(15), what ?? "a matching message arrived");
}
