namespace Switchboard;

/// <summary>A handler on a topic filter. Disposing it removes the handler; the broker subscription goes when the
/// filter's last handler leaves.</summary>
public sealed class Subscription : IAsyncDisposable
{
    private readonly SwitchboardClient _client;
    private readonly HandlerRegistration _registration;
    private int _disposed;

    internal Subscription(SwitchboardClient client, HandlerRegistration registration, Qos qos)
    {
        _client = client;
        _registration = registration;
        Qos = qos;
    }

    /// <summary>The filter, as given (including any <c>$share/&lt;group&gt;/</c> prefix).</summary>
    public string Filter => _registration.Entry.Filter;

    /// <summary>The QoS requested.</summary>
    public Qos Qos { get; }

    /// <summary>Removes the handler, unsubscribing at the broker when it was the filter's last.</summary>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? _client.RemoveAsync(_registration) : ValueTask.CompletedTask;

    /// <inheritdoc/>
    public override string ToString() => $"Subscription {Filter} (QoS {(int)Qos})";
}
