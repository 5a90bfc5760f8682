using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;

namespace Switchboard;

public sealed partial class SwitchboardClient
{
    /// <summary>
    /// Sends a request envelope and awaits the reply envelope. On MQTT 5 the request carries a response topic and
    /// correlation data (the reply may come on any topic it names); on 3.1.1 the request's envelope <c>id</c> is the
    /// correlation id and the reply must carry the same <c>id</c> on <paramref name="replyTopic"/> (default
    /// <c>{topic}/reply</c>) — how the Python services answer.
    /// </summary>
    /// <exception cref="TimeoutException">No reply within <paramref name="timeout"/> (default <see cref="SwitchboardOptions.RequestTimeout"/>).</exception>
    [RequiresUnreferencedCode(AotMessages.ReflectionJson)]
    [RequiresDynamicCode(AotMessages.ReflectionJson)]
    public Task<Envelope<TReply>> RequestAsync<TRequest, TReply>(string topic, string type, TRequest data, TimeSpan? timeout = null, string? replyTopic = null, CancellationToken cancellationToken = default) =>
        RequestAsync(topic, type, data, TypeInfo<TRequest>(), TypeInfo<TReply>(), timeout, replyTopic, cancellationToken);

    /// <summary>As <see cref="RequestAsync{TRequest, TReply}(string, string, TRequest, TimeSpan?, string?, CancellationToken)"/>, with source-generated metadata.</summary>
    public async Task<Envelope<TReply>> RequestAsync<TRequest, TReply>(string topic, string type, TRequest data, JsonTypeInfo<TRequest> requestTypeInfo, JsonTypeInfo<TReply> replyTypeInfo, TimeSpan? timeout = null, string? replyTopic = null, CancellationToken cancellationToken = default)
    {
        Topics.ValidateTopicName(topic);
        var wait = timeout ?? _settings.Options.RequestTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(wait, TimeSpan.Zero, nameof(timeout));
        var inbox = replyTopic ?? (Protocol == MqttProtocol.V500 ? $"switchboard/replies/{_settings.ClientId}" : $"{topic}/reply");
        Topics.ValidateTopicName(inbox, nameof(replyTopic));
        await EnsureInboxAsync(inbox, cancellationToken).ConfigureAwait(false);

        var correlationId = EnvelopeIds.New();
        var pending = _requests.Register(correlationId);

        // The request span is current from here on: the request's publish span and the reply's receive span are its children.
        using var activity = _telemetry.StartRequest(topic, correlationId);
        try
        {
            var message = _telemetry.OnPublish(CreateEnvelopeMessage(topic, type, data, requestTypeInfo, correlationId, Qos.AtLeastOnce, retain: false, awaited: false, responseTopic: inbox), correlationId);
            await AcceptAsync(message, cancellationToken).ConfigureAwait(false);
            using var receive = _telemetry.StartReceive(inbox, correlationId);
            MqttMessage reply;
            try
            {
                reply = await pending.Task.WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (receive is not null && Failed(receive, ex))
            {
                throw;
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"No reply to the '{type}' request on '{topic}' arrived on '{inbox}' within {wait.TotalSeconds:0.###} s (correlation id {correlationId}).");
            }

            var decoded = TryDecode(reply, replyTypeInfo, out var envelope);
            if (receive is not null)
            {
                ClientTelemetry.Received(receive, reply, decoded ? envelope.Id : null);
            }

            if (!decoded)
            {
                throw new SwitchboardException($"The reply to the '{type}' request on '{topic}' is not a valid envelope of {typeof(TReply).Name}; see the log for why.");
            }

            return envelope;
        }
        catch (Exception ex) when (activity is not null && Failed(activity, ex))
        {
            throw;
        }
        finally
        {
            _requests.Unregister(correlationId);
        }

        // An exception filter that marks the span and lets the exception go on unchanged.
        static bool Failed(System.Diagnostics.Activity span, Exception error)
        {
            ClientTelemetry.Failed(span, error);
            return false;
        }
    }

    /// <summary>
    /// Answers requests on <paramref name="topic"/>: each request envelope goes to <paramref name="handler"/>, and its
    /// result is published as a <paramref name="replyType"/> envelope with the request's id — to the request's MQTT 5
    /// response topic (echoing its correlation data), else to <paramref name="replyTopic"/> (default <c>{topic}/reply</c>).
    /// A handler that throws is logged and counted; the requester then times out.
    /// </summary>
    [RequiresUnreferencedCode(AotMessages.ReflectionJson)]
    [RequiresDynamicCode(AotMessages.ReflectionJson)]
    public Task<Subscription> RespondAsync<TRequest, TReply>(string topic, string replyType, Func<Envelope<TRequest>, CancellationToken, ValueTask<TReply>> handler, Qos qos = Qos.AtLeastOnce, string? replyTopic = null, CancellationToken cancellationToken = default) =>
        RespondAsync(topic, replyType, handler, TypeInfo<TRequest>(), TypeInfo<TReply>(), qos, replyTopic, cancellationToken);

    /// <summary>As <see cref="RespondAsync{TRequest, TReply}(string, string, Func{Envelope{TRequest}, CancellationToken, ValueTask{TReply}}, Qos, string?, CancellationToken)"/>, with source-generated metadata.</summary>
    public Task<Subscription> RespondAsync<TRequest, TReply>(string topic, string replyType, Func<Envelope<TRequest>, CancellationToken, ValueTask<TReply>> handler, JsonTypeInfo<TRequest> requestTypeInfo, JsonTypeInfo<TReply> replyTypeInfo, Qos qos = Qos.AtLeastOnce, string? replyTopic = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrWhiteSpace(replyType);
        if (replyTopic is not null)
        {
            Topics.ValidateTopicName(replyTopic, nameof(replyTopic));
        }

        return SubscribeEventsAsync<TRequest>(topic, async (request, ct) =>
        {
            TReply result;
            try
            {
                result = await handler(request, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _counters.HandlerErrors);
                Log.ResponderFailed(_logger, request.Message!.Topic, ex);
                return;
            }

            var message = request.Message!;
            var target = message.ResponseTopic ?? replyTopic ?? $"{message.Topic}/reply";
            var reply = CreateEnvelopeMessage(target, replyType, result, replyTypeInfo, request.Id, qos, retain: false, awaited: false, responseTopic: null);
            var echoed = new OutgoingMessage(reply.Topic, reply.Payload, reply.Qos, retain: false, awaited: false)
            {
                ContentType = reply.ContentType,
                CorrelationData = message.CorrelationData,
            };
            await AcceptAsync(_telemetry.OnPublish(echoed, request.Id), ct).ConfigureAwait(false);
        }, requestTypeInfo, qos, cancellationToken);
    }

    private async Task EnsureInboxAsync(string inbox, CancellationToken cancellationToken)
    {
        if (_requests.IsInbox(inbox))
        {
            return;
        }

        // Registered before subscribing so a reply racing the SUBACK is still taken from the receive path.
        _requests.AddInbox(inbox);
        await AddRegistrationAsync(inbox, Qos.AtLeastOnce, handler: null, cancellationToken).ConfigureAwait(false);
    }
}
