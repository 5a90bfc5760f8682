using System.Collections.Concurrent;
using Switchboard;
using Switchboard.Hosting;

namespace MemoryWorker;

/// <summary>What the speech-to-text service heard (<c>stt.final</c>).</summary>
public sealed record SpeechText(string Text);

/// <summary>A memory query (<c>memory.query</c>).</summary>
public sealed record MemoryQuery(string Query, int TopK = 5);

/// <summary>The answer (<c>memory.query.result</c>).</summary>
public sealed record MemoryResult(string Query, IReadOnlyList<string> Results);

/// <summary>The worker's memory: everything heard, newest last.</summary>
public sealed class MemoryStore
{
    private readonly ConcurrentQueue<string> _texts = new();

    public void Add(string text) => _texts.Enqueue(text);

    public IReadOnlyList<string> Find(string query, int topK) =>
        [.. _texts.Reverse().Where(t => t.Contains(query, StringComparison.OrdinalIgnoreCase)).Take(topK)];
}

/// <summary>Remembers every <c>stt.final</c> envelope.</summary>
public sealed class RememberSpeech(MemoryStore memory) : IEventHandler<SpeechText>
{
    public ValueTask HandleAsync(Envelope<SpeechText> e, CancellationToken cancellationToken)
    {
        memory.Add(e.Data.Text);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Answers <c>memory.query</c> on <c>memory/results</c>, correlated by the request's id as the Python services expect.</summary>
public sealed class AnswerQuery(MemoryStore memory, SwitchboardClient mqtt) : IEventHandler<MemoryQuery>
{
    public async ValueTask HandleAsync(Envelope<MemoryQuery> e, CancellationToken cancellationToken) =>
        await mqtt.PublishEventAsync("memory/results", "memory.query.result", new MemoryResult(e.Data.Query, memory.Find(e.Data.Query, e.Data.TopK)), MemoryJsonContext.Default.MemoryResult, correlationId: e.Id, cancellationToken: cancellationToken);
}
