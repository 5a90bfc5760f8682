namespace Switchboard;

/// <summary>The state of the client's single connection to the broker.</summary>
public enum ConnectionState
{
    /// <summary>Not connected and not trying to: before <c>ConnectAsync</c> or after shutdown.</summary>
    Disconnected,

    /// <summary>The first connection attempt is under way.</summary>
    Connecting,

    /// <summary>Connected; publishes flow.</summary>
    Connected,

    /// <summary>The connection was lost; the supervisor is reconnecting with backoff. Publishes wait in the queue.</summary>
    Reconnecting,

    /// <summary>A fatal error (bad credentials, not authorized, banned …) stopped the client; it will not retry.</summary>
    Faulted,
}
