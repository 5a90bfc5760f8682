using System.Net.Sockets;
using System.Security.Authentication;

namespace Switchboard;

/// <summary>Every exception Switchboard throws about the connection or a publish, with a message that says what happened.</summary>
internal static class ExceptionFactory
{
    public static MqttConnectionException ConnectRefused(int code, string? reasonString, BrokerEndpoint endpoint, string? serverReference = null) =>
        new($"Connecting to {endpoint} failed: {ReasonCodes.Describe(code)} (CONNACK reason code {code}{Details(reasonString, code, serverReference)}).", code, ReasonCodes.IsFatalConnAck(code))
        {
            ServerReference = Redirecting(code) ? serverReference : null,
        };

    public static MqttConnectionException DisconnectedByBroker(int code, string? reasonString, BrokerEndpoint endpoint, string? serverReference = null) =>
        new($"The broker {endpoint} closed the connection: {ReasonCodes.Describe(code)} (DISCONNECT reason code {code}{Details(reasonString, code, serverReference)}).", code, ReasonCodes.IsFatalDisconnect(code))
        {
            ServerReference = Redirecting(code) ? serverReference : null,
        };

    public static MqttConnectionException RedirectionNotFollowed(MqttConnectionException redirect, string why) =>
        new($"{redirect.Message} The redirection was not followed: {why}.", redirect.ReasonCode, isFatal: false, redirect);

    public static MqttConnectionException ConnectTimedOut(BrokerEndpoint endpoint, TimeSpan timeout) =>
        new($"Connecting to {endpoint} timed out after {timeout.TotalSeconds:0.#} s; check that the broker is running and reachable.", 0, isFatal: false);

    public static MqttConnectionException ConnectionFailed(BrokerEndpoint endpoint, Exception error)
    {
        var root = Root(error);
        return root switch
        {
            AuthenticationException => new($"The TLS handshake with {endpoint} failed: {root.Message} Check MQTT_TLS_CA_FILE, or the broker's certificate and host name.", 0, isFatal: true, error),
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => new($"Connecting to {endpoint} failed: connection refused; is the broker running on that port?", 0, isFatal: false, error),
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } => new($"Connecting to {endpoint} failed: the host name '{endpoint.Host}' could not be resolved.", 0, isFatal: false, error),
            _ => new($"Connecting to {endpoint} failed: {root.Message}", 0, isFatal: false, error),
        };
    }

    public static MqttConnectionException ConnectionLost(BrokerEndpoint endpoint, Exception? error) =>
        new($"The connection to {endpoint} was lost{(error is null ? "." : $": {Root(error).Message}")}", 0, isFatal: false, error);

    public static MqttConnectionException ProtocolViolation(BrokerEndpoint endpoint, Exception violation) =>
        new($"The connection to {endpoint} was closed because the broker broke the MQTT protocol: {violation.Message}", 0x82, isFatal: false, violation);

    public static MqttConnectionException WindowStalled(BrokerEndpoint endpoint, int withheld) =>
        new($"Reconnecting to {endpoint}: {withheld} messages whose handlers failed are unacknowledged, half the broker's window; the broker redelivers them on the new connection (each may fail up to MaxRedeliveries times before it is acknowledged as poison).", 0, isFatal: false)
        {
            SameBroker = true,
        };

    public static MqttConnectionException KeepAliveTimeout(BrokerEndpoint endpoint, TimeSpan waited, Exception? error) =>
        new($"The broker {endpoint} did not answer a ping within {waited.TotalSeconds:0.#} s; the connection is considered dead.", 0x8D, isFatal: false, error);

    public static MqttConnectionException RetriesExhausted(BrokerEndpoint endpoint, int attempts, Exception? last) =>
        new($"Gave up reconnecting to {endpoint} after {attempts} attempts (the retry policy said stop).{(last is null ? string.Empty : $" Last error: {Root(last).Message}")}", 0, isFatal: true, last);

    public static MqttPublishException PublishRefused(string topic, int code, string? reasonString) =>
        new($"The broker refused the publish to '{topic}': {ReasonCodes.Describe(code)} (reason code {code}{(string.IsNullOrEmpty(reasonString) ? string.Empty : $", \"{reasonString}\"")}).", topic, code);

    public static MqttPublishException NotDeliveredBeforeShutdown(string topic, TimeSpan drainTimeout, bool keptInOutbox = false) =>
        new($"The message to '{topic}' was not delivered: the client shut down and the queue did not drain within {drainTimeout.TotalSeconds:0.#} s.{Kept(keptInOutbox)}", topic, 0);

    public static MqttPublishException NotDeliveredFaulted(string topic, Exception fault, bool keptInOutbox = false) =>
        new($"The message to '{topic}' was not delivered: the client faulted. {fault.Message}{Kept(keptInOutbox)}", topic, 0, fault);

    private static string Kept(bool keptInOutbox) => keptInOutbox ? " It is kept in the durable outbox and will be sent by the next client started with the same client id." : string.Empty;

    public static ObjectDisposedException ShutDown() => new(nameof(SwitchboardClient), "The Switchboard client has been shut down; create a new one to publish again.");

    /// <summary>0x9C use another server, 0x9D server moved: the codes a Server Reference goes with.</summary>
    public static bool Redirecting(int code) => code is 0x9C or 0x9D;

    private static string Details(string? reasonString, int code, string? serverReference) =>
        (string.IsNullOrEmpty(reasonString) ? string.Empty : $", \"{reasonString}\"")
        + (Redirecting(code) && !string.IsNullOrEmpty(serverReference) ? $", server reference \"{Secrets.MaskUrls(serverReference)}\"" : string.Empty);

    private static Exception Root(Exception error)
    {
        while (error is AggregateException or MqttConnectionException && error.InnerException is not null)
        {
            error = error.InnerException!;
        }

        return error;
    }
}
