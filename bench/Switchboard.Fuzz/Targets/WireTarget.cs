namespace Switchboard.Fuzz.Targets;

/// <summary>
/// The MQTT receive path: bytes as a broker sends them go through the real <see cref="PacketReader"/> (framing, the
/// packet size limit, packets split across reads) and every packet into the decoder the session uses for its type.
/// </summary>
/// <remarks>
/// Input: byte 0 picks the connection (bit 0: MQTT 5 when set, else 3.1.1; bits 1–7: the most bytes one read returns,
/// 0 meaning all at once); the rest is the byte stream. The documented answers to bad bytes are
/// <see cref="MqttProtocolViolationException"/> (which ends the session's read loop) and the reader's
/// <see cref="IOException"/> for a stream that ends inside a packet; the decoders themselves never throw.
/// </remarks>
internal static class WireTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var protocol = (input[0] & 1) != 0 ? MqttProtocol.V500 : MqttProtocol.V311;
        var chunk = input[0] >> 1;
        var stream = new CoalescingStream(new ChunkedStream(input[1..].ToArray(), chunk == 0 ? int.MaxValue : chunk));
        var reader = new PacketReader(stream, new WireSink(protocol), ConnectionSession.MaximumIncomingPacketSize);
        try
        {
            var run = reader.RunAsync(CancellationToken.None);

            // The transport and the sink complete synchronously, so a run that is not done here is stuck for good.
            if (!run.IsCompleted)
            {
                throw new FuzzFindingException("The packet reader waits although every read and every handler completed synchronously.");
            }

            run.GetAwaiter().GetResult();
        }
        catch (IOException ex) when (ex is MqttProtocolViolationException || ex.GetType() == typeof(IOException))
        {
            // A protocol violation, or the stream ended inside a packet: what the session reports as a lost connection.
        }
    }

    /// <summary>
    /// Decodes each packet as <c>ConnectionSession</c> does and checks what the decoders return; the session's state
    /// machine (pending requests, QoS flows) is not part of this target, since it needs a live client around it.
    /// </summary>
    private sealed class WireSink(MqttProtocol protocol) : IPacketSink
    {
        private readonly PublishPacketDecoder _publish = new(protocol, ConnectionSession.IncomingTopicAliasMaximum);

        public ValueTask OnPacket(byte firstByte, ReadOnlySpan<byte> body)
        {
            string? error;
            switch ((PacketType)(firstByte >> 4))
            {
                case PacketType.ConnAck:
                    {
                        // The session reads a 2-byte refusal on MQTT 5 as 3.1.1 (a 3.1.1-only broker's answer).
                        var version = protocol == MqttProtocol.V500 && body.Length == 2 && body[1] != 0 ? MqttProtocol.V311 : protocol;
                        Check(ControlPacketDecoder.TryDecodeConnAck(firstByte, body, version, out var packet, out error), packet, error);
                        break;
                    }

                case PacketType.Publish:
                    if (!_publish.TryDecode(firstByte, body, out var message, out _))
                    {
                        throw new MqttProtocolViolationException("malformed PUBLISH");
                    }

                    if (message is null || message.Topic is null || message.Payload.Length > body.Length)
                    {
                        throw new FuzzFindingException("PUBLISH decoded to a message that cannot have come from its body.");
                    }

                    break;
                case PacketType.PubAck or PacketType.PubRec or PacketType.PubRel or PacketType.PubComp:
                    {
                        var ok = ControlPacketDecoder.TryDecodeAck(firstByte, body, protocol, out var ack, out error);
                        Check(ok, ok ? (object)ack : null, error);
                        if (body.Length > 3 && MqttFraming.TryReadVariableInt(body[3..], out var length, out var size) && body.Length - 3 - size >= length)
                        {
                            // The publish pump reads a PUBACK's reason string with this lighter reader.
                            _ = MqttFraming.ReasonString(body.Slice(3 + size, length));
                        }

                        break;
                    }

                case PacketType.SubAck:
                    {
                        Check(ControlPacketDecoder.TryDecodeSubAck(firstByte, body, protocol, out var packet, out error), packet, error);
                        if (packet is { ReasonCodes.Length: 0 })
                        {
                            throw new FuzzFindingException("SUBACK decoded without reason codes.");
                        }

                        break;
                    }

                case PacketType.UnsubAck:
                    {
                        Check(ControlPacketDecoder.TryDecodeUnsubAck(firstByte, body, protocol, out var packet, out error), packet, error);
                        break;
                    }

                case PacketType.PingResp:
                    Check(ControlPacketDecoder.TryDecodePingResp(firstByte, body, out error), string.Empty, error);
                    break;
                case PacketType.Disconnect:
                    {
                        Check(ControlPacketDecoder.TryDecodeDisconnect(firstByte, body, protocol, out var packet, out error), packet, error);
                        break;
                    }

                default:
                    throw new MqttProtocolViolationException("a packet a broker never sends");
            }

            return ValueTask.CompletedTask;
        }

        public void OnIdle()
        {
        }

        /// <summary>A decoder's verdict must be consistent: a packet and no error, or an error and no packet.</summary>
        private static void Check(bool ok, object? packet, string? error)
        {
            if (ok ? packet is null || error is not null : error is null)
            {
                throw new FuzzFindingException($"A decoder returned {ok} with packet {packet?.GetType().Name ?? "null"} and error '{error ?? "null"}'.");
            }

            if (!ok)
            {
                throw new MqttProtocolViolationException(error!);
            }
        }
    }
}
