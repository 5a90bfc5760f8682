using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace Switchboard;

public sealed partial class SwitchboardClient
{
    /// <summary>
    /// Publishes and completes when the broker acknowledges (QoS 1/2) or the message is written (QoS 0). While the
    /// connection is down the message waits in the queue and is sent after the reconnect; cancelling only stops the
    /// wait. When the queue is full under <see cref="OverflowPolicy.Wait"/> the call waits for room behind earlier
    /// waiting calls and is accepted in arrival order, ahead of anything published or posted after it. Fails with <see cref="MqttPublishException"/> when the broker refuses it, with
    /// <see cref="MessageDroppedException"/> when the overflow policy drops it.
    /// </summary>
    /// <param name="topic">Topic name (no wildcards).</param>
    /// <param name="payload">Payload; the memory must not change until the returned task completes.</param>
    /// <param name="qos">Quality of service.</param>
    /// <param name="retain">Ask the broker to keep it as the topic's retained message.</param>
    /// <param name="cancellationToken">Stops waiting (for room in the queue, or for the acknowledgement).</param>
    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, Qos qos = Qos.AtLeastOnce, bool retain = false, CancellationToken cancellationToken = default)
    {
        OutgoingMessage message;
        try
        {
            message = _telemetry.OnPublish(Validate(topic, qos, awaited: true, payload, retain));
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }

        return AcceptAndAwaitAsync(message, cancellationToken);
    }

    /// <summary>
    /// Completes when everything accepted so far has been sent: the queue is empty and no QoS ≥ 1 message awaits its
    /// acknowledgement. Waits across reconnects; cancel to stop waiting.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _pump.WhenIdleAsync(cancellationToken);

    /// <summary>Publishes a UTF-8 string; see <see cref="PublishAsync(string, ReadOnlyMemory{byte}, Qos, bool, CancellationToken)"/>.</summary>
    public Task PublishAsync(string topic, string payload, Qos qos = Qos.AtLeastOnce, bool retain = false, CancellationToken cancellationToken = default) =>
        PublishAsync(topic, Encoding.UTF8.GetBytes(payload ?? throw new ArgumentNullException(nameof(payload))), qos, retain, cancellationToken);

    /// <summary>
    /// Queues a message and returns at once; never blocks. False when the overflow policy refused it — drop-newest
    /// with the queue full; wait with the queue full or while any <c>PublishAsync</c> waits for room (<c>Post</c>
    /// cannot wait, and must not go ahead of a message that waits) — or when the client has faulted or been shut
    /// down; each refusal is counted. Invalid topics and QoS throw.
    /// </summary>
    /// <param name="topic">Topic name (no wildcards).</param>
    /// <param name="payload">Payload; the memory must not change until the message is sent.</param>
    /// <param name="qos">Quality of service.</param>
    /// <param name="retain">Ask the broker to keep it as the topic's retained message.</param>
    public bool Post(string topic, ReadOnlyMemory<byte> payload, Qos qos = Qos.AtMostOnce, bool retain = false) =>
        TryPost(_telemetry.OnPublish(Validate(topic, qos, awaited: false, payload, retain)));

    /// <summary>Queues a UTF-8 string; see <see cref="Post(string, ReadOnlyMemory{byte}, Qos, bool)"/>.</summary>
    public bool Post(string topic, string payload, Qos qos = Qos.AtMostOnce, bool retain = false) =>
        Post(topic, Encoding.UTF8.GetBytes(payload ?? throw new ArgumentNullException(nameof(payload))), qos, retain);

    /// <summary>
    /// Publishes <paramref name="data"/> in an envelope (<c>{"id","type","ts","source","data"}</c>) and returns its id,
    /// which is <paramref name="correlationId"/> when given (a reply carries the request's id).
    /// </summary>
    [RequiresUnreferencedCode(AotMessages.ReflectionJson)]
    [RequiresDynamicCode(AotMessages.ReflectionJson)]
    public Task<string> PublishEventAsync<T>(string topic, string type, T data, string? correlationId = null, Qos qos = Qos.AtLeastOnce, bool retain = false, CancellationToken cancellationToken = default) =>
        PublishEventAsync(topic, type, data, TypeInfo<T>(), correlationId, qos, retain, cancellationToken);

    /// <summary>As <see cref="PublishEventAsync{T}(string, string, T, string?, Qos, bool, CancellationToken)"/>, serializing
    /// with source-generated metadata.</summary>
    public Task<string> PublishEventAsync<T>(string topic, string type, T data, JsonTypeInfo<T> typeInfo, string? correlationId = null, Qos qos = Qos.AtLeastOnce, bool retain = false, CancellationToken cancellationToken = default)
    {
        OutgoingMessage message;
        try
        {
            message = _telemetry.OnPublish(CreateEnvelopeMessage(topic, type, data, typeInfo, correlationId, qos, retain, awaited: true, responseTopic: null), correlationId);
        }
        catch (Exception ex)
        {
            return Task.FromException<string>(ex);
        }

        return AcceptAndAwaitAsync(message, cancellationToken);
    }

    /// <summary>
    /// Queues <paramref name="data"/> in an envelope and returns at once, like <see cref="Post(string, ReadOnlyMemory{byte}, Qos, bool)"/>:
    /// never blocks; false when the overflow policy refused it (under wait: the queue is full or a <c>PublishAsync</c>
    /// waits for room) or the client has faulted or been shut down (each refusal is counted).
    /// Invalid topics, types and QoS throw, as does data that does not serialize to a JSON object. A fresh envelope id
    /// is written straight into the payload, so the call allocates only the payload and its queue entry.
    /// </summary>
    public bool PostEvent<T>(string topic, string type, T data, JsonTypeInfo<T> typeInfo, Qos qos = Qos.AtLeastOnce, bool retain = false) =>
        TryPost(_telemetry.OnPublish(CreateEnvelopeMessage(topic, type, data, typeInfo, correlationId: null, qos, retain, awaited: false, responseTopic: null)));

    /// <summary>As <see cref="PostEvent{T}(string, string, T, JsonTypeInfo{T}, Qos, bool)"/>, with the serializer
    /// options' metadata for <typeparamref name="T"/>.</summary>
    [RequiresUnreferencedCode(AotMessages.ReflectionJson)]
    [RequiresDynamicCode(AotMessages.ReflectionJson)]
    public bool PostEvent<T>(string topic, string type, T data, Qos qos = Qos.AtLeastOnce, bool retain = false) =>
        PostEvent(topic, type, data, TypeInfo<T>(), qos, retain);

    /// <summary>Publishes a health status on <c>system/health/{ClientId}</c> (QoS 1, retained).</summary>
    public async Task PublishHealthAsync(bool ok, string @event, string? err = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(@event);
        await AcceptAndAwaitAsync(CreateHealthMessage(ok, @event, err, awaited: true), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds an envelope message (its id in <see cref="OutgoingMessage.EnvelopeId"/>). The id string is made only when someone needs it: the awaiting caller,
    /// a request's correlation data, or a reply (which carries the request's id); otherwise it is written straight
    /// into the payload.</summary>
    internal OutgoingMessage CreateEnvelopeMessage<T>(string topic, string type, T data, JsonTypeInfo<T> typeInfo, string? correlationId, Qos qos, bool retain, bool awaited, string? responseTopic)
    {
        Topics.ValidateTopicName(topic);
        Topics.ValidateQos(qos);
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(typeInfo);
        var id = !string.IsNullOrEmpty(correlationId) ? correlationId : awaited || responseTopic is not null ? EnvelopeIds.New() : null;
        var payload = id is null
            ? EnvelopeCodec.EncodeWithNewId(type, UnixNow(), _settings.SourceName, data, typeInfo)
            : EnvelopeCodec.Encode(id, type, UnixNow(), _settings.SourceName, data, typeInfo);
        return new OutgoingMessage(topic, payload, qos, retain, awaited)
        {
            EnvelopeId = id,
            ContentType = "application/json",
            ResponseTopic = responseTopic,
            // A request outliving its requester would be answered to nobody; events are kept.
            Durable = qos != Qos.AtMostOnce && responseTopic is null,
            CorrelationData = responseTopic is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(id!),
        };
    }

    /// <summary>
    /// Queues an awaited message and returns what completes on its acknowledgement (its result is the envelope id).
    /// Callers turn bad input into a failed task first, as the async methods always did.
    /// </summary>
    private Task<string> AcceptAndAwaitAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        // AcceptAsync is async: its failures come back in the ValueTask, never thrown from the call.
        var accept = AcceptAsync(message, cancellationToken);

        // Accepted at once and nothing to cancel: the caller awaits the completion itself, so a publish costs no
        // async state machine of ours.
        if (accept.IsCompletedSuccessfully && !cancellationToken.CanBeCanceled)
        {
            accept.GetAwaiter().GetResult();
            return message.Completion!.Task;
        }

        return AwaitAsync(accept, message, cancellationToken);

        static async Task<string> AwaitAsync(ValueTask accept, OutgoingMessage message, CancellationToken cancellationToken)
        {
            await accept.ConfigureAwait(false);
            return await message.Completion!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Queues a message, waiting for room under <see cref="OverflowPolicy.Wait"/>; failures (shut down,
    /// faulted, dropped, cancelled) come back in the returned task, never thrown from the call.</summary>
    internal ValueTask AcceptAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        message.Telemetry is null ? EnqueueOrThrowAsync(message, cancellationToken) : AcceptTracedAsync(message, cancellationToken);

    private async ValueTask AcceptTracedAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await EnqueueOrThrowAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not accepted: the publish span ends here, failed.
            message.EndTelemetry(ex);
            throw;
        }
    }

    private async ValueTask EnqueueOrThrowAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ThrowIfShutDown();
        if (_supervisor.Fault is { } fault)
        {
            throw ExceptionFactory.NotDeliveredFaulted(message.Topic, fault);
        }

        bool accepted;
        try
        {
            accepted = await _queue.EnqueueAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (MqttConnectionException faulted)
        {
            throw ExceptionFactory.NotDeliveredFaulted(message.Topic, faulted);
        }

        if (!accepted)
        {
            Interlocked.Increment(ref _counters.Dropped);
            Log.MessageDropped(_logger, _queue.Capacity, message.Topic, _queue.Policy);
            throw new MessageDroppedException(message.Topic, _queue.Policy, _queue.Capacity);
        }
    }

    private OutgoingMessage CreateHealthMessage(bool ok, string @event, string? err, bool awaited)
    {
        var now = UnixNow();
        var status = new HealthStatusMessage(EnvelopeIds.New(), ok, @event, now, err);
        var payload = EnvelopeCodec.EncodeWithNewId("health.status", now, _settings.SourceName, status, SwitchboardJsonContext.Default.HealthStatusMessage);
        return new OutgoingMessage(_settings.HealthTopic, payload, Qos.AtLeastOnce, retain: true, awaited) { ContentType = "application/json" };
    }

    private WillMessage? CreateWill(MqttProtocol protocol)
    {
        if (!_settings.Options.EnableHealth)
        {
            return null;
        }

        var will = CreateHealthMessage(ok: false, "lost", err: null, awaited: false);
        return new WillMessage
        {
            Topic = will.Topic,
            Payload = will.Payload,
            Qos = Qos.AtLeastOnce,
            Retain = true,
            ContentType = protocol == MqttProtocol.V500 ? will.ContentType : null,
        };
    }

    private async Task HeartbeatLoopAsync(CancellationToken stopping)
    {
        var interval = _settings.Options.HeartbeatInterval;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // A heartbeat says "alive now": queueing one while offline would deliver a stale claim later.
            if (_supervisor.State != ConnectionState.Connected)
            {
                continue;
            }

            try
            {
                var beat = new Heartbeat(true, "heartbeat", UnixNow());
                // The client's own housekeeping is not traced (no span every interval).
                TryPost(Validate(_settings.HeartbeatTopic, Qos.AtMostOnce, awaited: false, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(beat, SwitchboardJsonContext.Default.Heartbeat), retain: false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.HeartbeatFailed(_logger, ex);
            }
        }
    }

    /// <summary>Queues without waiting; the shared body of <c>Post</c> and <c>PostEvent</c>.</summary>
    private bool TryPost(OutgoingMessage message)
    {
        if (_supervisor.Fault is { } fault)
        {
            Interlocked.Increment(ref _counters.PublishErrors);
            message.EndTelemetry(fault);
            return false;
        }

        bool accepted;
        try
        {
            accepted = _queue.TryEnqueue(message);
        }
        catch (Exception ex) when (ex is MqttConnectionException or ObjectDisposedException)
        {
            // Faulted or shut down: a caller that cannot wait is told by the result, not by an exception.
            Interlocked.Increment(ref _counters.PublishErrors);
            message.EndTelemetry(ex);
            return false;
        }

        if (!accepted)
        {
            Interlocked.Increment(ref _counters.Dropped);
            Log.MessageDropped(_logger, _queue.Capacity, message.Topic, _queue.Policy);
            message.EndTelemetry(typeof(MessageDroppedException).FullName, "Refused by the overflow policy.");
        }

        return accepted;
    }

    private OutgoingMessage Validate(string topic, Qos qos, bool awaited, ReadOnlyMemory<byte> payload, bool retain)
    {
        Topics.ValidateTopicName(topic);
        Topics.ValidateQos(qos);
        return new OutgoingMessage(topic, payload, qos, retain, awaited) { Durable = qos != Qos.AtMostOnce };
    }

    private double UnixNow() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    [RequiresUnreferencedCode(AotMessages.ReflectionJson)]
    [RequiresDynamicCode(AotMessages.ReflectionJson)]
    private JsonTypeInfo<T> TypeInfo<T>() => _settings.ReflectionTypeInfo<T>();
}
