namespace Switchboard;

/// <summary>The client's counters, incremented with <see cref="Interlocked"/>; read by <c>GetStats</c> and the meter.</summary>
internal sealed class ClientCounters
{
    public long Published;
    public long Received;
    public long Dropped;
    public long PublishErrors;
    public long DuplicatesDropped;
    public long Reconnects;
    public long Resent;
    public long HandlerErrors;
    public long MalformedEnvelopes;
    public long PoisonMessages;

    public long Unrouted;
    public long SessionsLost;
    public int Inflight;
    private string? _lastError;

    public string? LastError => Volatile.Read(ref _lastError);

    public void RecordError(Exception error) => Volatile.Write(ref _lastError, error.Message);
}
