using System.Collections.Concurrent;

namespace Switchboard.Tests.Protocol.Fakes;

/// <summary>Retries at once (a zero delay needs no clock), and remembers every error it was asked about.</summary>
internal sealed class RecordingRetryPolicy : IRetryPolicy
{
    private readonly ConcurrentQueue<(int Attempt, Exception? Error)> _calls = new();

    public IReadOnlyList<(int Attempt, Exception? Error)> Calls => [.. _calls];

    /// <summary>The delay it asks for; zero (retry at once) unless a test sets one to see the rounds on the fake clock.</summary>
    public TimeSpan Delay { get; set; }

    public bool ShouldRetry(int attempt, Exception? lastError, out TimeSpan delay)
    {
        _calls.Enqueue((attempt, lastError));
        delay = Delay;
        return true;
    }
}
