using System.Net.Sockets;

namespace Switchboard;

/// <summary>Tells an error caused by the connection (the message should wait and be resent) from one caused by the
/// message itself (resending cannot help, so it fails).</summary>
internal static class ConnectionFailures
{
    public static bool IsConnectionFailure(Exception error, ConnectionSession session) =>
        !session.IsAlive
        || error is MqttConnectionException or OperationCanceledException or ObjectDisposedException or SocketException or IOException
        || error.InnerException is { } inner && IsConnectionFailure(inner, session);
}
