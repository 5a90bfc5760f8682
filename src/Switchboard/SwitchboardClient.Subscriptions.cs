using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;

namespace Switchboard;

public sealed partial class SwitchboardClient
{
    /// <summary>
    /// Adds a handler for messages matching <paramref name="filter"/> (<c>+</c>, <c>#</c>, <c>$share/&lt;group&gt;/…</c>).
    /// Handlers run one message at a time, in order; a QoS ≥ 1 message is acknowledged after its handlers return; a
    /// handler that throws is logged and counted and dispatch goes on. Handlers run on the connection's receive path
    /// (no thread hop): await rather than block — a handler blocked synchronously holds up every message after it,
    /// including the replies to its own requests. When connected, completes on the broker's SUBACK (throwing
    /// <see cref="SwitchboardException"/> if refused); otherwise the subscription is made on connect.
    /// </summary>
    public async Task<Subscription> SubscribeAsync(string filter, MessageHandler handler, Qos qos = Qos.AtLeastOnce, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Topics.ValidateFilter(filter);
        Topics.ValidateQos(qos);
        ThrowIfShutDown();
        var registration = await AddRegistrationAsync(filter, qos, handler, cancellationToken).ConfigureAwait(false);
        return new Subscription(this, registration, qos);
    }

    /// <summary>
    /// Adds a handler for envelopes on <paramref name="filter"/>, with <c>data</c> deserialized to <typeparamref name="T"/>.
    /// Payloads that are not valid envelopes, whatever their bytes (invalid JSON or UTF-8 in any field, data that does
    /// not fit <typeparamref name="T"/>), are counted (<see cref="SwitchboardStats.MalformedEnvelopes"/>), logged and
    /// skipped, and their messages acknowledged: they never reach the handler and never count as handler errors.
    /// </summary>
    [RequiresUnreferencedCode(AotMessages.ReflectionJson)]
    [RequiresDynamicCode(AotMessages.ReflectionJson)]
    public Task<Subscription> SubscribeEventsAsync<T>(string filter, EnvelopeHandler<T> handler, Qos qos = Qos.AtLeastOnce, CancellationToken cancellationToken = default) =>
        SubscribeEventsAsync(filter, handler, TypeInfo<T>(), qos, cancellationToken);

    /// <summary>As <see cref="SubscribeEventsAsync{T}(string, EnvelopeHandler{T}, Qos, CancellationToken)"/>, with source-generated metadata.</summary>
    public Task<Subscription> SubscribeEventsAsync<T>(string filter, EnvelopeHandler<T> handler, JsonTypeInfo<T> typeInfo, Qos qos = Qos.AtLeastOnce, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return SubscribeAsync(filter, (message, ct) => TryDecode(message, typeInfo, out var envelope) ? handler(envelope, ct) : ValueTask.CompletedTask, qos, cancellationToken);
    }

    internal bool TryDecode<T>(MqttMessage message, JsonTypeInfo<T> typeInfo, out Envelope<T> envelope)
    {
        if (EnvelopeCodec.TryDecode(message.Payload, typeInfo, out var decoded, out var error))
        {
            envelope = decoded! with { Message = message };
            return true;
        }

        Interlocked.Increment(ref _counters.MalformedEnvelopes);
        Log.MalformedEnvelope(_logger, message.Topic, error!);
        envelope = null!;
        return false;
    }

    internal async Task<HandlerRegistration> AddRegistrationAsync(string filter, Qos qos, MessageHandler? handler, CancellationToken cancellationToken)
    {
        var registration = _table.Add(filter, qos, handler, out var session);
        if (session is null)
        {
            return registration;
        }

        try
        {
            await SubscribeEntriesAsync(session, [registration.Entry], throwOnRefusal: true, cancellationToken).ConfigureAwait(false);
        }
        catch (SwitchboardException)
        {
            _table.Remove(registration, out _);
            throw;
        }
        catch (Exception) when (!session.IsAlive)
        {
            // The connection dropped mid-subscribe; the reconnect subscribes every unconfirmed filter.
        }

        return registration;
    }

    internal async ValueTask RemoveAsync(HandlerRegistration registration)
    {
        if (!_table.Remove(registration, out var session) || session is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_settings.Options.ConnectTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, session.Lost);
            await session.UnsubscribeAsync([registration.Entry.Filter], linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Gone from the table either way: a stray message for it matches no handler. A fresh session won't have it.
            Log.SubscribeFailed(_logger, registration.Entry.Filter, $"unsubscribe failed: {ex.Message}");
        }
    }

    private async Task SubscribeEntriesAsync(ConnectionSession session, List<FilterEntry> entries, bool throwOnRefusal, CancellationToken cancellationToken)
    {
        // MQTT 5: one SUBSCRIBE per filter, each with the filter's own subscription identifier (one identifier per
        // packet is all MQTT allows), all sent before the first SUBACK is awaited, so a reconnect with hundreds of
        // filters still costs one round trip. Without identifiers (3.1.1): a handful of filters per SUBSCRIBE.
        var v5 = session.Protocol == MqttProtocol.V500;
        // A broker may say it has no subscription identifiers (CONNACK); then routing falls back to the topic, as on 3.1.1.
        var identifiers = v5 && session.ConnAck?.SubscriptionIdentifiersAvailable != false;
        var chunks = identifiers ? entries.Select(e => new[] { e }).ToList() : [.. entries.Chunk(64)];
        using var timeout = new CancellationTokenSource(_settings.Options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, session.Lost, cancellationToken);
        var requests = new List<Task<SubAckPacket>>(chunks.Count);
        foreach (var chunk in chunks)
        {
            var filters = new SubscribeRequest[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                // Re-subscribing on a kept session must not replay retained messages the handlers already saw.
                filters[i] = new SubscribeRequest(chunk[i].Filter, chunk[i].Qos, RetainHandling: (byte)(v5 && session.SessionPresent ? 1 : 0));
            }

            requests.Add(session.SubscribeAsync(filters, identifiers ? (uint)chunk[0].Id : 0, linked.Token));
        }

        try
        {
            await Task.WhenAll(requests).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && session.IsAlive)
        {
            throw new SwitchboardException($"The broker did not acknowledge a SUBSCRIBE within {_settings.Options.ConnectTimeout.TotalSeconds:0.#} s.");
        }

        for (var c = 0; c < chunks.Count; c++)
        {
            var result = requests[c].Result;
            var chunk = chunks[c];
            for (var index = 0; index < chunk.Length; index++)
            {
                var entry = chunk[index];
                var code = index < result.ReasonCodes.Length ? result.ReasonCodes[index] : 0x80;
                if (code <= 2)
                {
                    _table.MarkConfirmed(entry, entry.Qos);
                    continue;
                }

                var reason = $"the broker refused the subscription to '{entry.Filter}': {ReasonCodes.Describe(code)} (SUBACK reason code {code})";
                Log.SubscribeFailed(_logger, entry.Filter, reason);
                if (throwOnRefusal)
                {
                    throw new SwitchboardException(char.ToUpperInvariant(reason[0]) + reason[1..] + ".");
                }

                // Not retried in a loop on this session; the next session tries again.
                _table.MarkConfirmed(entry, entry.Qos);
            }
        }
    }
}
