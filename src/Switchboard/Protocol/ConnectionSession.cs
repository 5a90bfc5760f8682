using System.Buffers;
using Microsoft.Extensions.Logging;

namespace Switchboard;

/// <summary>What a connection hands up when the broker acknowledges a publish (the publish pump implements it).</summary>
internal interface IPublishAcknowledgements
{
    /// <summary>PUBACK (QoS 1) or PUBCOMP (QoS 2), or a PUBREC that refused the message: the message is done.</summary>
    void OnCompleted(OutgoingMessage message, byte reasonCode, string? reasonString);

    /// <summary>The receive loop is about to wait (for the network or a busy handler): the completions it reported
    /// since the last call may now be delivered to their callers.</summary>
    void FlushCompletions();
}

/// <summary>A SUBSCRIBE or UNSUBSCRIBE waiting for its acknowledgement, holding its packet identifier.</summary>
internal sealed class PendingRequest(ConnectionSession session)
{
    public ConnectionSession Session { get; } = session;

    /// <summary>How many reason codes the acknowledgement must carry: one per topic filter (none for a 3.1.1 UNSUBACK).</summary>
    public int ExpectedReasonCodes { get; init; }

    public TaskCompletionSource<object> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The session engine of one connection, from CONNECT to its loss: it owns the transport, the read loop (every
/// packet the broker sends is decoded here, once), the QoS 1 and 2 flows in both directions, SUBSCRIBE and
/// UNSUBSCRIBE, PINGREQ and DISCONNECT. A new one is made per connection so nothing of a dead connection (its
/// pending requests, its read loop) can leak into the next; what outlives a connection is in <see cref="SessionState"/>.
/// </summary>
internal sealed class ConnectionSession : IPacketSink, IDisposable
{
    /// <summary>Largest packet accepted from the broker (announced as the MQTT 5 maximum packet size, enforced on 3.1.1 too).</summary>
    public const int MaximumIncomingPacketSize = MqttFraming.MaxRemainingLength + 5;

    /// <summary>Topic aliases the broker may use towards this client (announced in CONNECT).</summary>
    public const ushort IncomingTopicAliasMaximum = 64;

    private readonly ClientSettings _settings;
    private readonly SessionState _state;
    private readonly IPublishAcknowledgements _acknowledgements;
    private readonly Func<ConnectionSession, MqttMessage, ushort, ValueTask> _onPublish;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lost = new();
    private readonly TaskCompletionSource<Exception?> _lostReason = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<ConnAckPacket> _connAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PublishPacketDecoder _decoder;
    private readonly Lock _lock = new();
    private TaskCompletionSource? _ping;
    private CoalescingStream? _stream;
    private PacketReader? _reader;
    private bool _downgradeLogged;

    public ConnectionSession(ClientSettings settings, MqttProtocol protocol, long epoch, SessionState state, IPublishAcknowledgements acknowledgements, Func<ConnectionSession, MqttMessage, ushort, ValueTask> onPublish, ILogger logger)
    {
        // Cached: the token stays usable (and cancelled) after the session is disposed.
        Lost = _lost.Token;
        _settings = settings;
        _state = state;
        _acknowledgements = acknowledgements;
        _onPublish = onPublish;
        _logger = logger;
        Protocol = protocol;
        Epoch = epoch;
        _decoder = new PublishPacketDecoder(protocol, IncomingTopicAliasMaximum);
    }

    /// <summary>The transport, for corking batches of writes (null before <see cref="ConnectAsync"/>).</summary>
    public CoalescingStream? Stream => _stream;

    public MqttProtocol Protocol { get; }

    /// <summary>The broker this connection goes to.</summary>
    public BrokerEndpoint Endpoint => _settings.Endpoint;

    public long Epoch { get; }

    public SessionState State => _state;

    public ConnAckPacket? ConnAck { get; private set; }

    /// <summary>How many QoS ≥ 1 publishes may await acknowledgement: our window, lowered to the broker's receive-maximum.</summary>
    public int InflightLimit { get; set; } = 1;

    /// <summary>The broker's maximum packet size (MQTT 5 CONNACK), 0 when it announced none.</summary>
    public uint MaximumPacketSize => ConnAck?.MaximumPacketSize ?? 0;

    public bool SessionPresent => ConnAck?.SessionPresent ?? false;

    /// <summary>The CONNACK's reason code in MQTT 5 numbering (a 3.1.1 return code mapped onto it).</summary>
    public byte ConnectReasonCode { get; private set; }

    /// <summary>True while the read loop is inside a packet's handling (a handler holds the receive path): a missing
    /// PINGRESP then says nothing about the connection.</summary>
    public bool IsReceivePathHeld => _reader?.IsHandling ?? false;

    /// <summary>Bytes received on this connection so far: progress means the connection is alive even while a
    /// PINGRESP is still queued behind a large packet that arrives slowly.</summary>
    public long BytesReceived => _reader?.BytesReceived ?? 0;

    /// <summary>Cancelled when the session is lost.</summary>
    public CancellationToken Lost { get; }

    /// <summary>Completes with the reason when the session is lost.</summary>
    public Task<Exception?> LostTask => _lostReason.Task;

    public bool IsAlive => !_lostReason.Task.IsCompleted;

    /// <summary>Opens the transport, sends CONNECT and waits for the CONNACK; the read loop runs from then on.</summary>
    public async Task<ConnAckPacket> ConnectAsync(ConnectPacket connect, CancellationToken cancellationToken)
    {
        var transport = await _settings.OpenTransport(_settings, cancellationToken).ConfigureAwait(false);
        var stream = new CoalescingStream(transport);
        lock (_lock)
        {
            if (!IsAlive)
            {
                stream.Dispose();
                throw new OperationCanceledException("The connection attempt was abandoned.");
            }

            _stream = stream;
        }

        _reader = new PacketReader(stream, this, MaximumIncomingPacketSize);
        var buffer = new ArrayBufferWriter<byte>(256);
        ControlPacketEncoder.WriteConnect(buffer, connect);
        ConnAckPacket connAck;
        try
        {
            await stream.WritePacketAsync(buffer.WrittenSpan, default).ConfigureAwait(false);
            _ = Task.Run(ReadLoopAsync, CancellationToken.None);
            connAck = await _connAck.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_settings.Endpoint.UseTls && ex is not OperationCanceledException && TransportConnector.IsClientCertificateRequired(_settings, transport, ex))
        {
            // TLS 1.3: the broker's refusal of a missing client certificate arrives after the handshake.
            throw TransportConnector.ClientCertificateRequired(_settings, ex);
        }

        ConnAck = connAck;
        return connAck;
    }

    /// <summary>Sends SUBSCRIBE and waits for its SUBACK.</summary>
    public async Task<SubAckPacket> SubscribeAsync(IReadOnlyList<SubscribeRequest> filters, uint subscriptionIdentifier, CancellationToken cancellationToken)
    {
        var request = new PendingRequest(this) { ExpectedReasonCodes = filters.Count };
        var id = _state.Ids.Add(request);
        try
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            ControlPacketEncoder.WriteSubscribe(buffer, Protocol, id, filters, Protocol == MqttProtocol.V500 ? subscriptionIdentifier : 0);
            await WriteAsync(buffer.WrittenSpan).ConfigureAwait(false);
            return (SubAckPacket)await request.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _state.Ids.Remove(id, request);
        }
    }

    /// <summary>Sends UNSUBSCRIBE and waits for its UNSUBACK.</summary>
    public async Task<UnsubAckPacket> UnsubscribeAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken)
    {
        var request = new PendingRequest(this) { ExpectedReasonCodes = Protocol == MqttProtocol.V500 ? filters.Count : 0 };
        var id = _state.Ids.Add(request);
        try
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            ControlPacketEncoder.WriteUnsubscribe(buffer, Protocol, id, filters);
            await WriteAsync(buffer.WrittenSpan).ConfigureAwait(false);
            return (UnsubAckPacket)await request.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _state.Ids.Remove(id, request);
        }
    }

    /// <summary>Sends PINGREQ (even while a handler holds the receive path) and waits for PINGRESP.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource ping;
        lock (_lock)
        {
            _ping ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ping = _ping;
        }

        Span<byte> packet = [(byte)PacketType.PingReq << 4, 0];
        await CheckedWriteAsync(_stream!.WritePacketAsync(packet, default, urgent: true)).ConfigureAwait(false);
        await ping.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A normal DISCONNECT (the broker discards the will), then the transport is closed.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (_stream is not { } stream || !IsAlive)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(16);
        ControlPacketEncoder.WriteDisconnect(buffer, Protocol, 0);
        try
        {
            await stream.WritePacketAsync(buffer.WrittenSpan, default, urgent: true).ConfigureAwait(false);
            await stream.WhenDrainedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            MarkLost(null);
        }
    }

    /// <summary>Acknowledges a handled message: PUBACK (QoS 1) or PUBREC (QoS 2, remembered until its PUBREL).</summary>
    public ValueTask AcknowledgeAsync(Qos qos, ushort packetId)
    {
        if (qos == Qos.AtMostOnce || !IsAlive || _stream is not { } stream)
        {
            return ValueTask.CompletedTask;
        }

        if (qos == Qos.ExactlyOnce)
        {
            _state.MarkHandled(packetId);
        }

        return WriteAck(stream, qos == Qos.ExactlyOnce ? PacketType.PubRec : PacketType.PubAck, packetId, 0);
    }

    /// <summary>Writes a PUBLISH whose header was encoded by <see cref="PublishPacketEncoder"/>.</summary>
    public ValueTask WritePublishAsync(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) => _stream!.WritePacketAsync(header, payload);

    /// <summary>Writes the PUBREL of a QoS 2 publish the broker has received (after its PUBREC, or as the resend).</summary>
    public ValueTask WritePubRelAsync(ushort packetId) => WriteAck(_stream!, PacketType.PubRel, packetId, 0);

    /// <summary>Marks the session dead and closes its transport; only the first call counts.</summary>
    public bool MarkLost(Exception? reason)
    {
        if (!_lostReason.TrySetResult(reason))
        {
            return false;
        }

        _connAck.TrySetException(reason ?? new IOException("The connection was closed before the broker's CONNACK."));
        try
        {
            _lost.Cancel();
        }
        catch (AggregateException)
        {
            // A callback registered on Lost threw; the session is lost regardless.
        }

        CoalescingStream? stream;
        lock (_lock)
        {
            stream = _stream;
        }

        stream?.Dispose();

        // Requests of this connection end with it (their packet identifiers are freed by their own callers).
        foreach (var owner in _state.Ids.RemoveAll(o => o is PendingRequest r && r.Session == this))
        {
            ((PendingRequest)owner).Completion.TrySetException(reason ?? new IOException("The connection was closed."));
        }

        lock (_lock)
        {
            _ping?.TrySetException(reason ?? new IOException("The connection was closed."));
        }

        return true;
    }

    public void Dispose() => MarkLost(null);

    ValueTask IPacketSink.OnPacket(byte firstByte, ReadOnlySpan<byte> body)
    {
        var type = (PacketType)(firstByte >> 4);
        if (!_connAck.Task.IsCompleted)
        {
            if (type != PacketType.ConnAck)
            {
                throw new MqttProtocolViolationException($"The broker sent {type} before CONNACK.");
            }

            _connAck.TrySetResult(DecodeConnAck(firstByte, body));
            return ValueTask.CompletedTask;
        }

        switch (type)
        {
            case PacketType.Publish:
                return OnPublish(firstByte, body);
            case PacketType.PubAck or PacketType.PubRec or PacketType.PubComp:
                return OnPublishAcknowledged(firstByte, body);
            case PacketType.PubRel:
                return OnPubRel(firstByte, body);
            case PacketType.SubAck:
                {
                    if (!ControlPacketDecoder.TryDecodeSubAck(firstByte, body, Protocol, out var subAck, out var error))
                    {
                        throw new MqttProtocolViolationException($"The broker sent a malformed SUBACK: {error}");
                    }

                    CompleteRequest(subAck!.PacketId, subAck, "SUBACK", subAck.ReasonCodes.Length);
                    return ValueTask.CompletedTask;
                }

            case PacketType.UnsubAck:
                {
                    if (!ControlPacketDecoder.TryDecodeUnsubAck(firstByte, body, Protocol, out var unsubAck, out var error))
                    {
                        throw new MqttProtocolViolationException($"The broker sent a malformed UNSUBACK: {error}");
                    }

                    CompleteRequest(unsubAck!.PacketId, unsubAck, "UNSUBACK", unsubAck.ReasonCodes.Length);
                    return ValueTask.CompletedTask;
                }

            case PacketType.PingResp:
                {
                    TaskCompletionSource? ping;
                    lock (_lock)
                    {
                        ping = _ping;
                        _ping = null;
                    }

                    ping?.TrySetResult();
                    return ValueTask.CompletedTask;
                }

            case PacketType.Disconnect:
                {
                    if (!ControlPacketDecoder.TryDecodeDisconnect(firstByte, body, Protocol, out var disconnect, out var error))
                    {
                        throw new MqttProtocolViolationException($"The broker sent a malformed DISCONNECT: {error}");
                    }

                    MarkLost(disconnect!.ReasonCode == 0
                        ? ExceptionFactory.ConnectionLost(_settings.Endpoint, new IOException("The broker closed the connection (DISCONNECT, normal disconnection)."))
                        : ExceptionFactory.DisconnectedByBroker(disconnect.ReasonCode, disconnect.ReasonString, _settings.Endpoint, disconnect.ServerReference));
                    return ValueTask.CompletedTask;
                }

            case PacketType.ConnAck:
                throw new MqttProtocolViolationException("The broker sent a second CONNACK.");
            default:
                throw new MqttProtocolViolationException($"The broker sent a {type} packet (type {(int)type}), which a broker never sends.");
        }
    }

    void IPacketSink.OnIdle() => _acknowledgements.FlushCompletions();

    private ConnAckPacket DecodeConnAck(byte firstByte, ReadOnlySpan<byte> body)
    {
        // A broker that only speaks 3.1.1 answers an MQTT 5 CONNECT with a 3.1.1 CONNACK refusing the version.
        var protocol = Protocol == MqttProtocol.V500 && body.Length == 2 && body[1] != 0 ? MqttProtocol.V311 : Protocol;
        if (!ControlPacketDecoder.TryDecodeConnAck(firstByte, body, protocol, out var connAck, out var error))
        {
            throw new MqttProtocolViolationException($"The broker sent a malformed CONNACK: {error}");
        }

        ConnectReasonCode = connAck!.ReasonCode;
        if (protocol == MqttProtocol.V311)
        {
            // 3.1.1 return codes, in the MQTT 5 numbering every reason-code table here uses.
            ConnectReasonCode = connAck.ReasonCode switch
            {
                0 => 0,
                1 => 0x84, // unacceptable protocol version
                2 => 0x85, // identifier rejected
                3 => 0x88, // server unavailable
                4 => 0x86, // bad user name or password
                5 => 0x87, // not authorized
                var other => other,
            };
        }

        return connAck;
    }

    private ValueTask OnPublish(byte firstByte, ReadOnlySpan<byte> body)
    {
        if (!_decoder.TryDecode(firstByte, body, out var message, out var packetId))
        {
            throw new MqttProtocolViolationException("The broker sent a malformed PUBLISH packet.");
        }

        if (message!.Qos != Qos.AtMostOnce && packetId == 0)
        {
            throw new MqttProtocolViolationException($"The broker sent a QoS {(int)message.Qos} PUBLISH to '{message.Topic}' with packet identifier 0.");
        }

        if (message.Topic.Length == 0 || message.Topic.AsSpan().IndexOfAny('+', '#', '\0') >= 0)
        {
            throw new MqttProtocolViolationException($"The broker sent a PUBLISH with an invalid topic name '{message.Topic}'.");
        }

        if (message.Qos == Qos.ExactlyOnce && _state.WasHandled(packetId))
        {
            // A repeat of a QoS 2 message already handled (its PUBREC was lost with a connection): acknowledge, don't handle.
            return WriteAck(_stream!, PacketType.PubRec, packetId, 0);
        }

        return _onPublish(this, message, packetId);
    }

    private ValueTask OnPublishAcknowledged(byte firstByte, ReadOnlySpan<byte> body)
    {
        if (!ControlPacketDecoder.TryDecodeAck(firstByte, body, Protocol, out var ack, out var error))
        {
            throw new MqttProtocolViolationException($"The broker sent a malformed acknowledgement: {error}");
        }

        if (!IsAlive)
        {
            // The pump is taking this connection's messages back for a resend; a late acknowledgement must not race it.
            return ValueTask.CompletedTask;
        }

        if (_state.Ids.Get(ack.PacketId) is not OutgoingMessage message)
        {
            if (ack.Type == PacketType.PubRec)
            {
                // MQTT 5 §4.3.3: answer a PUBREC for an identifier we do not know with PUBREL "packet identifier not found".
                return WriteAck(_stream!, PacketType.PubRel, ack.PacketId, Protocol == MqttProtocol.V500 ? (byte)0x92 : (byte)0);
            }

            Log.UnknownAcknowledgement(_logger, ack.Type.ToString(), ack.PacketId);
            return ValueTask.CompletedTask;
        }

        var expected = message.Qos == Qos.AtLeastOnce ? PacketType.PubAck : message.Released ? PacketType.PubComp : PacketType.PubRec;
        if (ack.Type != expected)
        {
            if (ack.Type != PacketType.PubAck || message.Qos != Qos.ExactlyOnce || message.Released)
            {
                throw new MqttProtocolViolationException($"The broker sent {ack.Type} for packet identifier {ack.PacketId}, a QoS {(int)message.Qos} publish to '{message.Topic}' that expects {expected}.");
            }

            // RabbitMQ's MQTT plugin before 3.13 takes a QoS 2 publish as QoS 1 and answers PUBACK. The broker has the
            // message (at least once): it is done. Treating this as a violation would resend it on every reconnect,
            // forever.
            if (!_downgradeLogged)
            {
                _downgradeLogged = true;
                Log.ExactlyOnceDowngraded(_logger, message.Topic);
            }
        }

        if (ack.Type == PacketType.PubRec && ack.ReasonCode < 0x80)
        {
            message.Released = true;
            return WriteAck(_stream!, PacketType.PubRel, ack.PacketId, 0);
        }

        if (_state.Ids.Remove(ack.PacketId, message))
        {
            message.PacketId = 0;
            message.Released = false;
            _acknowledgements.OnCompleted(message, ack.ReasonCode, ack.ReasonString);
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask OnPubRel(byte firstByte, ReadOnlySpan<byte> body)
    {
        if (!ControlPacketDecoder.TryDecodeAck(firstByte, body, Protocol, out var ack, out var error))
        {
            throw new MqttProtocolViolationException($"The broker sent a malformed PUBREL: {error}");
        }

        var known = _state.Release(ack.PacketId);
        return WriteAck(_stream!, PacketType.PubComp, ack.PacketId, known || Protocol != MqttProtocol.V500 ? (byte)0 : (byte)0x92);
    }

    private void CompleteRequest(ushort packetId, object packet, string what, int reasonCodes)
    {
        if (_state.Ids.Get(packetId) is PendingRequest request && request.Session == this)
        {
            if (reasonCodes != request.ExpectedReasonCodes)
            {
                // MQTT-3.9.3-1 / MQTT-3.11.3-1: one reason code per topic filter, in order; with any other count no
                // code can be matched to its filter.
                throw new MqttProtocolViolationException($"The broker sent a {what} with {reasonCodes} reason code(s) for packet identifier {packetId}, whose request had {request.ExpectedReasonCodes} topic filter(s).");
            }

            request.Completion.TrySetResult(packet);
            return;
        }

        Log.UnknownAcknowledgement(_logger, what, packetId);
    }

    private ValueTask WriteAck(CoalescingStream stream, PacketType type, ushort packetId, byte reasonCode)
    {
        // 3.1.1 and 5 alike: an acknowledgement with only the packet identifier means success.
        Span<byte> packet = reasonCode == 0 || Protocol != MqttProtocol.V500
            ? [(byte)((int)type << 4 | (type == PacketType.PubRel ? 0x02 : 0)), 2, (byte)(packetId >> 8), (byte)packetId]
            : [(byte)((int)type << 4 | (type == PacketType.PubRel ? 0x02 : 0)), 3, (byte)(packetId >> 8), (byte)packetId, reasonCode];
        return CheckedWriteAsync(stream.WritePacketAsync(packet, default));
    }

    private ValueTask WriteAsync(ReadOnlySpan<byte> packet) => CheckedWriteAsync(_stream!.WritePacketAsync(packet, default));

    // A failed write means a dead connection: the session is lost with it (the read loop may not notice for a while).
    private ValueTask CheckedWriteAsync(ValueTask write)
    {
        if (write.IsCompletedSuccessfully)
        {
            return write;
        }

        return Awaited(this, write);

        static async ValueTask Awaited(ConnectionSession session, ValueTask write)
        {
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                session.MarkLost(ex);
                throw;
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? reason = null;
        try
        {
            await _reader!.RunAsync(Lost).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            reason = ex;
        }

        // Acknowledgements of the last read are delivered even when the connection died in the middle of it.
        _acknowledgements.FlushCompletions();
        if (IsAlive)
        {
            MarkLost(reason switch
            {
                null => ExceptionFactory.ConnectionLost(_settings.Endpoint, new IOException("The broker closed the connection.")),
                MqttProtocolViolationException violation => ExceptionFactory.ProtocolViolation(_settings.Endpoint, violation),
                _ => ExceptionFactory.ConnectionLost(_settings.Endpoint, reason),
            });
        }
    }
}
