namespace Switchboard;

/// <summary>Raised when <see cref="SwitchboardClient.State"/> changes.</summary>
public sealed class ConnectionStateChangedEventArgs : EventArgs
{
    internal ConnectionStateChangedEventArgs(ConnectionState previous, ConnectionState current, Exception? error)
    {
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
}
