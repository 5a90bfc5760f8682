using Microsoft.Extensions.Logging;

namespace Switchboard;

/// <summary>Every log line Switchboard writes, source-generated with stable event ids. URLs are always masked.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Connected to {Endpoint} as {ClientId} (MQTT {Protocol}, session present: {SessionPresent}, inflight window {Inflight})")]
    public static partial void Connected(ILogger logger, BrokerEndpoint endpoint, string clientId, MqttProtocol protocol, bool sessionPresent, int inflight);

    [LoggerMessage(2, LogLevel.Warning, "Connection to {Endpoint} lost; reconnecting")]
    public static partial void ConnectionLost(ILogger logger, BrokerEndpoint endpoint, Exception? error);

    [LoggerMessage(3, LogLevel.Warning, "Reconnect attempt {Attempt} to {Endpoint} failed: {Reason}; next attempt in {DelayMs} ms")]
    public static partial void ReconnectFailed(ILogger logger, int attempt, BrokerEndpoint endpoint, string reason, long delayMs);

    [LoggerMessage(4, LogLevel.Error, "Connection to {Endpoint} faulted and will not be retried: {Reason}")]
    public static partial void Faulted(ILogger logger, BrokerEndpoint endpoint, string reason, Exception error);

    [LoggerMessage(5, LogLevel.Information, "Broker {Endpoint} refused MQTT 5.0; falling back to 3.1.1")]
    public static partial void ProtocolFallback(ILogger logger, BrokerEndpoint endpoint);

    [LoggerMessage(6, LogLevel.Information, "Reconnected to {Endpoint} after {Attempts} attempt(s); resending {Resent} unacknowledged message(s)")]
    public static partial void Reconnected(ILogger logger, BrokerEndpoint endpoint, int attempts, int resent);

    [LoggerMessage(7, LogLevel.Warning, "The broker did not keep the session of {ClientId}; subscriptions restored")]
    public static partial void SessionLost(ILogger logger, string clientId);

    [LoggerMessage(8, LogLevel.Warning, "Connecting to {Endpoint} failed: {Reason}; trying the next broker, {Next}")]
    public static partial void TryingNextBroker(ILogger logger, BrokerEndpoint endpoint, string reason, BrokerEndpoint next);

    [LoggerMessage(9, LogLevel.Information, "Broker {Endpoint} redirects the client to {Target} ({Kind}, reason code {ReasonCode}); redirection {Hop} of at most {MaxHops} in a row")]
    public static partial void Redirected(ILogger logger, BrokerEndpoint endpoint, BrokerEndpoint target, string kind, int reasonCode, int hop, int maxHops);

    [LoggerMessage(17, LogLevel.Warning, "Not following the redirection from {Endpoint} to '{Reference}': {Why}")]
    public static partial void RedirectNotFollowed(ILogger logger, BrokerEndpoint endpoint, string reference, string why);

    [LoggerMessage(18, LogLevel.Information, "Broker {Endpoint} has moved to {Target}; it replaces broker {Entry} of the list for later connections")]
    public static partial void BrokerMoved(ILogger logger, BrokerEndpoint endpoint, BrokerEndpoint target, int entry);

    [LoggerMessage(10, LogLevel.Warning, "Publish to {Topic} failed")]
    public static partial void PublishFailed(ILogger logger, string topic, Exception error);

    [LoggerMessage(11, LogLevel.Warning, "Outgoing queue full ({Capacity}); message to {Topic} dropped by policy {Policy}")]
    public static partial void MessageDropped(ILogger logger, int capacity, string topic, OverflowPolicy policy);

    [LoggerMessage(12, LogLevel.Warning, "{Count} message(s) not delivered before shutdown")]
    public static partial void UndeliveredAtShutdown(ILogger logger, int count);

    [LoggerMessage(13, LogLevel.Error, "The publish pump failed; restarting it on the next connection")]
    public static partial void PumpFailed(ILogger logger, Exception error);

    [LoggerMessage(14, LogLevel.Warning, "Outbox {Path}: cut off {Bytes} byte(s) of a torn or corrupt record at the end (a crash mid-write)")]
    public static partial void OutboxTornTail(ILogger logger, string path, long bytes);

    [LoggerMessage(15, LogLevel.Information, "Outbox: {Count} unacknowledged message(s) recovered from {Path}; they are sent first")]
    public static partial void OutboxRecovered(ILogger logger, int count, string path);

    [LoggerMessage(16, LogLevel.Information, "{Count} undelivered message(s) kept in the durable outbox for the next start")]
    public static partial void KeptInOutbox(ILogger logger, int count);

    [LoggerMessage(20, LogLevel.Error, "Handler for {Filter} threw on a message from {Topic}")]
    public static partial void HandlerFailed(ILogger logger, string filter, string topic, Exception error);

    [LoggerMessage(21, LogLevel.Warning, "Malformed envelope on {Topic} ignored: {Reason}")]
    public static partial void MalformedEnvelope(ILogger logger, string topic, string reason);

    [LoggerMessage(22, LogLevel.Warning, "Subscribing to {Filter} failed: {Reason}")]
    public static partial void SubscribeFailed(ILogger logger, string filter, string reason);

    [LoggerMessage(23, LogLevel.Debug, "Duplicate envelope on {Topic} suppressed")]
    public static partial void DuplicateSuppressed(ILogger logger, string topic);

    [LoggerMessage(25, LogLevel.Warning, "Handler for {Filter} held the receive path for {Milliseconds} ms on a message from {Topic} without awaiting; messages after it, including replies to its own requests, waited. Await instead of blocking")]
    public static partial void HandlerBlocked(ILogger logger, string filter, string topic, long milliseconds);

    [LoggerMessage(26, LogLevel.Warning, "A handler was still running {Milliseconds} ms into the shutdown; shutting down without waiting for it (a handler that awaits ShutdownAsync or DisposeAsync of its own client after an await of its own waits for itself until then)")]
    public static partial void HandlerOutlivedShutdown(ILogger logger, long milliseconds);

    [LoggerMessage(24, LogLevel.Error, "Dispatching received messages failed; the messages of this batch stay unacknowledged")]
    public static partial void DispatchFailed(ILogger logger, Exception error);

    [LoggerMessage(30, LogLevel.Warning, "Request handler for {Topic} threw; no reply sent")]
    public static partial void ResponderFailed(ILogger logger, string topic, Exception error);

    [LoggerMessage(31, LogLevel.Debug, "Reply {CorrelationId} on {Topic} matched no pending request")]
    public static partial void UnmatchedReply(ILogger logger, string correlationId, string topic);

    [LoggerMessage(40, LogLevel.Warning, "Heartbeat failed")]
    public static partial void HeartbeatFailed(ILogger logger, Exception error);

    [LoggerMessage(41, LogLevel.Warning, "The broker sent {Packet} for packet identifier {PacketId}, which nothing here waits for; ignored")]
    public static partial void UnknownAcknowledgement(ILogger logger, string packet, ushort packetId);

    [LoggerMessage(70, LogLevel.Warning, "The broker acknowledged a QoS 2 publish to {Topic} with PUBACK, as for QoS 1 (it does not support QoS 2; RabbitMQ before 3.13 does this): QoS 2 publishes on this connection are delivered at least once, not exactly once")]
    public static partial void ExactlyOnceDowngraded(ILogger logger, string topic);

    [LoggerMessage(47, LogLevel.Warning, "A message on {Topic} matched no handler and was acknowledged, so the broker will not send it again ({Count} so far on this connection). With a persistent session, what waited for the client arrives right after it connects: subscribe before ConnectAsync to receive it")]
    public static partial void Unrouted(ILogger logger, string topic, long count);

    [LoggerMessage(42, LogLevel.Error, "A message on {Topic} failed its handler {Attempts} times; acknowledged as poison (last error: {Error})")]
    public static partial void PoisonMessage(ILogger logger, string topic, int attempts, string error);

    [LoggerMessage(43, LogLevel.Warning, "{Withheld} messages whose handlers failed are unacknowledged, half the broker's window: reconnecting so that the broker redelivers them (otherwise it would soon send nothing more)")]
    public static partial void WindowStalled(ILogger logger, int withheld);

    [LoggerMessage(44, LogLevel.Warning, "Could not republish a poison message from {Topic} to the dead-letter topic {DeadLetterTopic}")]
    public static partial void DeadLetterFailed(ILogger logger, string topic, string deadLetterTopic);

    [LoggerMessage(45, LogLevel.Warning, "Compacting the durable outbox {Path} failed; it stays as it is and is retried later")]
    public static partial void OutboxCompactionFailed(ILogger logger, string path, Exception error);

    [LoggerMessage(46, LogLevel.Error, "Forcing the durable outbox {Path} to disk failed; accepted messages are not safe from a power cut until a later fsync succeeds")]
    public static partial void OutboxSyncFailed(ILogger logger, string path, Exception error);
}
