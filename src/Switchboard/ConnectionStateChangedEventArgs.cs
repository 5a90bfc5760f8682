namespace Switchboard;

/// <summary>Raised when <see cref="SwitchboardClient.State"/> changes.</summary>
public sealed class ConnectionStateChangedEventArgs : EventArgs
{
    internal ConnectionStateChangedEventArgs(ConnectionState previous, ConnectionState current, Exception? error, string? broker = null)
    {
        Broker = broker;
        Previous = previous;
        Current = current;
        Error = error;
    }

    /// <summary>The state before the change.</summary>
    public ConnectionState Previous { get; }

    /// <summary>The state after the change.</summary>
    public ConnectionState Current { get; }

    /// <summary>Why the connection was lost or faulted, when known.</summary>
    public Exception? Error { get; }

    /// <summary>The broker of the change, as a URL without credentials (e.g. <c>mqtts://broker-b:8883</c>): the one
    /// connected to (<see cref="ConnectionState.Connected"/>), lost (<see cref="ConnectionState.Reconnecting"/>), being
    /// tried first (<see cref="ConnectionState.Connecting"/>) or whose refusal faulted the client. With several brokers
    /// in <see cref="SwitchboardOptions.Url"/>, or after a server redirection, this says which one.</summary>
    public string? Broker { get; }
}
