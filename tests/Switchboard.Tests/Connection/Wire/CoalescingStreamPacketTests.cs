using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Switchboard.Tests.Connection.Wire;

/// <summary>
/// The packet-aware stream over a real loopback socket: our packets go in only between MQTTnet's, and our PUBACKs
/// never reach MQTTnet.
/// </summary>
public sealed class CoalescingStreamPacketTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private sealed class Connection : IAsyncDisposable
    {
        private Connection(CoalescingStream client, Socket clientSocket, Socket server)
        {
            Client = client;
            ClientSocket = clientSocket;
            Server = server;
        }

        public CoalescingStream Client { get; }

        public Socket ClientSocket { get; }

        public Socket Server { get; }

        public static async Task<Connection> OpenAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var accept = listener.AcceptAsync();
            await client.ConnectAsync(listener.LocalEndPoint!).WaitAsync(Timeout);
            var server = await accept.WaitAsync(Timeout);
            server.NoDelay = true;
            return new Connection(new CoalescingStream(client, packetAware: true), client, server);
        }

        /// <summary>Reads exactly <paramref name="count"/> bytes on the broker's side.</summary>
        public async Task<byte[]> ServerReceiveAsync(int count)
        {
            var buffer = new byte[count];
            for (var filled = 0; filled < count;)
            {
                var read = await Server.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None).AsTask().WaitAsync(Timeout);
                Assert.True(read > 0, "The client closed the connection.");
                filled += read;
            }

            return buffer;
        }

        public async Task ServerSendAsync(byte[] data)
        {
            for (var sent = 0; sent < data.Length;)
            {
                sent += await Server.SendAsync(data.AsMemory(sent), SocketFlags.None).AsTask().WaitAsync(Timeout);
            }
        }

        /// <summary>Reads on the client (as MQTTnet does) until <paramref name="count"/> bytes have come.</summary>
        public async Task<byte[]> ClientReadAsync(int count, int bufferSize = 7)
        {
            var result = new List<byte>();
            var buffer = new byte[bufferSize];
            while (result.Count < count)
            {
                var read = await Client.ReadAsync(buffer.AsMemory(0, Math.Min(bufferSize, count - result.Count))).AsTask().WaitAsync(Timeout);
                Assert.True(read > 0, "ReadAsync returned 0: MQTTnet would take the connection for closed.");
                result.AddRange(buffer.AsSpan(0, read));
            }

            return [.. result];
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            Server.Dispose();
        }
    }

    /// <summary>Claims ids from 0x8000 up, records the calls, and signals after a given number of them.</summary>
    private sealed class RecordingAcknowledgements : IPublishAcknowledgements
    {
        private readonly Lock _lock = new();
        private readonly List<(ushort Id, byte Reason, byte[] Properties)> _calls = [];
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly int _signalAt;

        public RecordingAcknowledgements(int signalAt = int.MaxValue)
        {
            _signalAt = signalAt;
        }

        public Task Reached => _reached.Task;

        public List<(ushort Id, byte Reason, byte[] Properties)> Calls
        {
            get
            {
                lock (_lock)
                {
                    return [.. _calls];
                }
            }
        }

        public bool TryAcknowledge(ushort packetId, byte reasonCode, ReadOnlySpan<byte> properties)
        {
            var claimed = packetId >= 0x8000;
            lock (_lock)
            {
                _calls.Add((packetId, reasonCode, properties.ToArray()));
                if (_calls.Count(c => c.Id >= 0x8000) >= _signalAt)
                {
                    _reached.TrySetResult();
                }
            }

            return claimed;
        }
    }

    private static (byte[] Head, byte[] Payload) MqttnetPublish(string topic, int payloadLength, ushort packetId)
    {
        var formatter = new MqttPacketFormatterAdapter(MqttProtocolVersion.V500, new MqttBufferWriter(4096, 65_536));
        var payload = new byte[payloadLength];
        new Random(payloadLength).NextBytes(payload);
        var buffer = formatter.Encode(new MqttPublishPacket
        {
            Topic = topic,
            QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
            PacketIdentifier = packetId,
            ContentType = "application/octet-stream",
            Payload = new ReadOnlySequence<byte>(payload),
        });

        var head = buffer.Packet.ToArray();
        Assert.Equal(payload, buffer.Payload.ToArray());
        return (head, payload);
    }

    private static (byte[] Head, byte[] Body) OurPublish(string topic, int payloadLength, ushort packetId)
    {
        var body = new byte[payloadLength];
        new Random(payloadLength + 1).NextBytes(body);
        var message = new OutgoingMessage(topic, body, Qos.AtLeastOnce, retain: false, awaited: false);
        var header = new ArrayBufferWriter<byte>();
        PublishPacketEncoder.WriteHeader(header, message, packetId, MqttProtocol.V500, 0);
        return (header.WrittenSpan.ToArray(), body);
    }

    private static readonly byte[] PingReq = [0xC0, 0x00];
    private static readonly byte[] PingResp = [0xD0, 0x00];

    private static byte[] PubAck(ushort id) => [0x40, 0x02, (byte)(id >> 8), (byte)id];

    private static byte[] PubAckV5(ushort id, byte reason, byte[] properties) =>
        [0x40, (byte)(4 + properties.Length), (byte)(id >> 8), (byte)id, reason, (byte)properties.Length, .. properties];

    [Fact]
    public async Task A_packet_written_while_corked_inside_an_mqttnet_publish_follows_that_publish()
    {
        await using var connection = await Connection.OpenAsync();
        var stream = connection.Client;
        var (theirHead, theirPayload) = MqttnetPublish("their/topic", 300, 3);
        var (ourHead, ourBody) = OurPublish("our/topic", 50, 0x8001);

        stream.Cork();
        await stream.WriteAsync(theirHead).AsTask().WaitAsync(Timeout);
        await stream.WritePacketAsync(ourHead, ourBody).AsTask().WaitAsync(Timeout);
        await stream.WriteAsync(theirPayload).AsTask().WaitAsync(Timeout);
        await stream.UncorkAsync().AsTask().WaitAsync(Timeout);

        // A PINGREQ after both shows nothing else was sent between.
        await stream.WriteAsync(PingReq).AsTask().WaitAsync(Timeout);
        byte[] expected = [.. theirHead, .. theirPayload, .. ourHead, .. ourBody, .. PingReq];
        Assert.Equal(expected, await connection.ServerReceiveAsync(expected.Length));
    }

    [Fact]
    public async Task A_packet_written_uncorked_between_mqttnets_header_and_payload_follows_the_payload()
    {
        await using var connection = await Connection.OpenAsync();
        var stream = connection.Client;
        var (theirHead, theirPayload) = MqttnetPublish("their/topic", 1_000, 4);
        var (ourHead, ourBody) = OurPublish("our/topic", 10, 0x8002);

        // The header goes out on its own; ours must wait for MQTTnet's payload, which may come much later.
        await stream.WriteAsync(theirHead).AsTask().WaitAsync(Timeout);
        Assert.Equal(theirHead, await connection.ServerReceiveAsync(theirHead.Length));
        await stream.WritePacketAsync(ourHead, ourBody).AsTask().WaitAsync(Timeout);
        await stream.WriteAsync(theirPayload).AsTask().WaitAsync(Timeout);
        await stream.WriteAsync(PingReq).AsTask().WaitAsync(Timeout);

        byte[] expected = [.. theirPayload, .. ourHead, .. ourBody, .. PingReq];
        Assert.Equal(expected, await connection.ServerReceiveAsync(expected.Length));
    }

    [Fact]
    public async Task A_packet_written_at_a_boundary_goes_out_at_once_in_order()
    {
        await using var connection = await Connection.OpenAsync();
        var stream = connection.Client;
        var (theirHead, theirPayload) = MqttnetPublish("their/topic", 20, 5);
        var (ourHead, ourBody) = OurPublish("our/topic", 10, 0x8003);

        stream.Cork();
        await stream.WriteAsync(PingReq).AsTask().WaitAsync(Timeout);
        await stream.WritePacketAsync(ourHead, ourBody).AsTask().WaitAsync(Timeout);
        await stream.WriteAsync(theirHead).AsTask().WaitAsync(Timeout);
        await stream.WriteAsync(theirPayload).AsTask().WaitAsync(Timeout);
        await stream.UncorkAsync().AsTask().WaitAsync(Timeout);

        byte[] expected = [.. PingReq, .. ourHead, .. ourBody, .. theirHead, .. theirPayload];
        Assert.Equal(expected, await connection.ServerReceiveAsync(expected.Length));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Our_packets_land_only_between_mqttnets_however_its_writes_are_cut(bool corked)
    {
        await using var connection = await Connection.OpenAsync();
        var stream = connection.Client;
        var random = new Random(corked ? 11 : 12);

        // MQTTnet's stream: publishes of several sizes and pings, written in random pieces.
        var theirs = new List<byte[]>();
        for (var i = 0; i < 40; i++)
        {
            var (head, payload) = MqttnetPublish($"their/{i}", random.Next(4) == 0 ? random.Next(200, 20_000) : random.Next(0, 150), (ushort)(i + 1));
            theirs.Add([.. head, .. payload]);
            if (i % 5 == 0)
            {
                theirs.Add(PingReq);
            }
        }

        byte[] theirStream = [.. theirs.SelectMany(p => p)];
        var ends = new SortedSet<int>();
        var position = 0;
        foreach (var packet in theirs)
        {
            position += packet.Length;
            ends.Add(position);
        }

        // Model: a packet of ours written at offset p of MQTTnet's stream goes out at the first packet end ≥ p.
        var expected = new List<byte>();
        var pendingOurs = new List<byte>();
        var written = 0;
        if (corked)
        {
            stream.Cork();
        }

        var ourId = (ushort)0x8000;
        while (written < theirStream.Length)
        {
            if (random.Next(3) == 0)
            {
                var (head, body) = OurPublish($"our/{ourId}", random.Next(0, 64), ourId++);
                await stream.WritePacketAsync(head, body).AsTask().WaitAsync(Timeout);
                if (written == 0 || ends.Contains(written))
                {
                    expected.AddRange(head);
                    expected.AddRange(body);
                }
                else
                {
                    pendingOurs.AddRange(head);
                    pendingOurs.AddRange(body);
                }
            }

            var size = Math.Min(theirStream.Length - written, random.Next(2) == 0 ? random.Next(1, 4) : random.Next(1, 3_000));
            await stream.WriteAsync(theirStream.AsMemory(written, size)).AsTask().WaitAsync(Timeout);
            var upTo = written + size;
            var end = ends.GetViewBetween(written + 1, upTo);
            if (pendingOurs.Count > 0 && end.Count > 0)
            {
                // The first packet end inside this write lets ours in.
                expected.AddRange(theirStream.AsSpan(written, end.Min - written));
                expected.AddRange(pendingOurs);
                pendingOurs.Clear();
                expected.AddRange(theirStream.AsSpan(end.Min, upTo - end.Min));
            }
            else
            {
                expected.AddRange(theirStream.AsSpan(written, size));
            }

            written = upTo;
        }

        Assert.Empty(pendingOurs);
        if (corked)
        {
            await stream.UncorkAsync().AsTask().WaitAsync(Timeout);
        }

        Assert.Equal(expected.ToArray(), await connection.ServerReceiveAsync(expected.Count));
    }

    [Fact]
    public async Task Claimed_acks_are_taken_out_of_what_mqttnet_reads_even_when_split_across_sends()
    {
        await using var connection = await Connection.OpenAsync();
        var acknowledgements = new RecordingAcknowledgements();
        connection.Client.Acknowledgements = acknowledgements;
        var (publishHead, publishPayload) = MqttnetPublish("in/coming", 40, 9);
        byte[] publish = [.. publishHead, .. publishPayload];
        byte[] suback = [0x90, 0x03, 0x00, 0x01, 0x01];
        byte[] reason = [0x1F, 0x00, 0x02, (byte)'n', (byte)'o'];
        var splitAck = PubAckV5(0x8002, 0x87, reason);

        // First send: a PUBLISH, one of our PUBACKs, a SUBACK, and the first 3 bytes of another PUBACK of ours.
        await connection.ServerSendAsync([.. publish, .. PubAck(0x8001), .. suback, .. splitAck[..3]]);
        var first = await connection.ClientReadAsync(publish.Length + suback.Length);
        Assert.Equal([.. publish, .. suback], first);

        // Second send: the rest of that PUBACK, a PUBACK of MQTTnet's, a PINGRESP.
        await connection.ServerSendAsync([.. splitAck[3..], .. PubAck(0x0009), .. PingResp]);
        var second = await connection.ClientReadAsync(6);
        Assert.Equal([.. PubAck(0x0009), .. PingResp], second);

        // Third send: two of ours around one of MQTTnet's, then a PINGRESP.
        await connection.ServerSendAsync([.. PubAck(0x8003), .. PubAck(0x000A), .. PubAckV5(0x8004, 0x00, []), .. PingResp]);
        var third = await connection.ClientReadAsync(6);
        Assert.Equal([.. PubAck(0x000A), .. PingResp], third);

        var calls = acknowledgements.Calls;
        Assert.Equal([(ushort)0x8001, 0x8002, 0x0009, 0x8003, 0x000A, 0x8004], calls.Select(c => c.Id));
        Assert.Equal(0x87, calls[1].Reason);
        Assert.Equal(reason, calls[1].Properties);
        Assert.All(calls.Where(c => c.Id != 0x8002), c => Assert.Equal(0, c.Reason));
    }

    /// <summary>Acknowledges each publish in place, as the dispatcher does for a handler that returns at once.</summary>
    private sealed class AcknowledgingPublishes(CoalescingStream stream) : IIncomingPublishes
    {
        public int Taken { get; private set; }

        public bool TryTake(byte firstByte, ReadOnlySpan<byte> body, out ValueTask wait)
        {
            Taken++;
            var id = (ushort)((body[2 + ((body[0] << 8) | body[1])] << 8) | body[3 + ((body[0] << 8) | body[1])]);
            wait = stream.WritePacketAsync(PubAck(id), default);
            return true;
        }
    }

    [Fact]
    public async Task The_acknowledgements_of_the_publishes_of_one_read_leave_in_one_socket_write()
    {
        await using var connection = await Connection.OpenAsync();
        var publishes = new AcknowledgingPublishes(connection.Client);
        connection.Client.Publishes = publishes;
        const int count = 20;
        var burst = new List<byte>();
        for (var i = 0; i < count; i++)
        {
            var (head, payload) = MqttnetPublish("burst/topic", 16, (ushort)(i + 1));
            burst.AddRange(head);
            burst.AddRange(payload);
        }

        // All of it waits in the socket before the first read, so one read takes it all.
        await connection.ServerSendAsync([.. burst]);
        Assert.True(SpinWait.SpinUntil(() => connection.ClientSocket.Available >= burst.Count, Timeout), "The burst did not arrive.");

        var read = connection.Client.ReadAsync(new byte[64]).AsTask();
        var acks = await connection.ServerReceiveAsync(4 * count);

        Assert.Equal(count, publishes.Taken);
        Assert.Equal(Enumerable.Range(1, count).SelectMany(i => PubAck((ushort)i)), acks);
        Assert.Equal(1, connection.Client.SocketWrites);
        Assert.False(read.IsCompleted, "Nothing was left for MQTTnet to read.");
    }

    [Fact]
    public async Task A_read_that_brings_only_claimed_acks_waits_for_more_instead_of_returning_zero()
    {
        await using var connection = await Connection.OpenAsync();
        var acknowledgements = new RecordingAcknowledgements(signalAt: 3);
        connection.Client.Acknowledgements = acknowledgements;
        var buffer = new byte[64];

        var read = connection.Client.ReadAsync(buffer).AsTask();
        await connection.ServerSendAsync([.. PubAck(0x8001), .. PubAck(0x8002)]);
        await connection.ServerSendAsync([.. PubAckV5(0x8003, 0x10, [])]);
        await acknowledgements.Reached.WaitAsync(Timeout);

        // Everything that arrived was taken out: the read must still be waiting, not report the end of the stream.
        Assert.False(read.IsCompleted, "ReadAsync completed before any byte for MQTTnet arrived.");

        await connection.ServerSendAsync(PingResp);
        var count = await read.WaitAsync(Timeout);
        Assert.Equal(2, count);
        Assert.Equal(PingResp, buffer[..2]);
    }

    [Fact]
    public async Task A_large_body_read_straight_into_mqttnets_buffer_still_has_the_acks_after_it_taken_out()
    {
        await using var connection = await Connection.OpenAsync();
        var acknowledgements = new RecordingAcknowledgements();
        connection.Client.Acknowledgements = acknowledgements;
        var (head, payload) = MqttnetPublish("big/in", 300_000, 12);
        byte[] publish = [.. head, .. payload];
        byte[] stream = [.. PubAck(0x8001), .. publish, .. PubAck(0x8002), .. PingResp, .. PubAck(0x8003)];
        byte[] expected = [.. publish, .. PingResp];

        var send = connection.ServerSendAsync(stream);

        // MQTTnet reads the fixed header in small reads, then the body with one buffer of its full size.
        var received = new List<byte>();
        received.AddRange(await connection.ClientReadAsync(head.Length, bufferSize: head.Length));
        var body = new byte[payload.Length];
        for (var filled = 0; filled < body.Length;)
        {
            var read = await connection.Client.ReadAsync(body.AsMemory(filled)).AsTask().WaitAsync(Timeout);
            Assert.True(read > 0);
            filled += read;
        }

        received.AddRange(body);
        received.AddRange(await connection.ClientReadAsync(PingResp.Length));
        await send.WaitAsync(Timeout);

        Assert.Equal(expected, received.ToArray());
        Assert.Equal([(ushort)0x8001, 0x8002], acknowledgements.Calls.Select(c => c.Id).Take(2));
    }

    [Fact]
    public async Task A_stream_that_is_not_packet_aware_refuses_packets_and_acknowledgements()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await socket.ConnectAsync(listener.LocalEndPoint!).WaitAsync(Timeout);
        using var server = await accept.WaitAsync(Timeout);
        await using var stream = new CoalescingStream(socket);

        Assert.False(stream.IsPacketAware);
        Assert.Null(stream.Acknowledgements);
        Assert.Throws<InvalidOperationException>(() => stream.Acknowledgements = new RecordingAcknowledgements());
        Assert.Throws<InvalidOperationException>(() => stream.WritePacketAsync(PingReq, []));
    }
}
