using MQTTnet.Packets;
using MQTTnet.Protocol;
using Switchboard.Tests.Protocol.Fakes;
using static Switchboard.Tests.Protocol.Packets.MqttnetOracle;

namespace Switchboard.Tests.Protocol;

/// <summary>Framing of the broker's byte stream: however the bytes are cut into reads, the sink sees exactly the packets, in order.</summary>
public sealed class PacketReaderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>PUBLISH QoS 0/1/2, PUBACK, SUBACK and PINGRESP as MQTTnet encodes them.</summary>
    private static List<(byte FirstByte, byte[] Body)> MixedPackets() =>
    [
        Encode(new MqttPublishPacket { Topic = "a/b", PayloadSegment = "zero"u8.ToArray(), QualityOfServiceLevel = MqttQualityOfServiceLevel.AtMostOnce }, MqttProtocol.V500),
        Encode(new MqttPublishPacket { Topic = "sensors/1/temp", PayloadSegment = new byte[300], QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce, PacketIdentifier = 1, ContentType = "application/json" }, MqttProtocol.V500),
        Encode(new MqttPublishPacket { Topic = "x", PayloadSegment = "two"u8.ToArray(), QualityOfServiceLevel = MqttQualityOfServiceLevel.ExactlyOnce, PacketIdentifier = 513, Retain = true }, MqttProtocol.V500),
        Encode(new MqttPubAckPacket { PacketIdentifier = 9, ReasonCode = MqttPubAckReasonCode.NoMatchingSubscribers }, MqttProtocol.V500),
        Encode(new MqttSubAckPacket { PacketIdentifier = 10, ReasonCodes = [MqttSubscribeReasonCode.GrantedQoS1, MqttSubscribeReasonCode.NotAuthorized] }, MqttProtocol.V500),
        Encode(new MqttPingRespPacket(), MqttProtocol.V500),
        Encode(new MqttPublishPacket { Topic = "empty", QualityOfServiceLevel = MqttQualityOfServiceLevel.AtMostOnce }, MqttProtocol.V500),
    ];

    private static byte[] Wire(IEnumerable<(byte FirstByte, byte[] Body)> packets) =>
        [.. packets.SelectMany(p => BrokerPackets.Frame(p.FirstByte, p.Body))];

    private static async Task<RecordingPacketSink> ReadAllAsync(Stream stream, int maximumPacketSize = ConnectionSession.MaximumIncomingPacketSize)
    {
        var sink = new RecordingPacketSink();
        using var transport = new CoalescingStream(stream);
        await new PacketReader(transport, sink, maximumPacketSize).RunAsync(CancellationToken.None).WaitAsync(Timeout);
        return sink;
    }

    private static void AssertSame(List<(byte FirstByte, byte[] Body)> expected, RecordingPacketSink sink, string context)
    {
        Assert.True(expected.Count == sink.Packets.Count, $"{context}: {sink.Packets.Count} packets instead of {expected.Count}");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].FirstByte == sink.Packets[i].FirstByte, $"{context}: packet {i} first byte");
            Assert.True(expected[i].Body.AsSpan().SequenceEqual(sink.Packets[i].Body), $"{context}: packet {i} body");
        }
    }

    [Fact]
    public async Task Mixed_packets_cut_at_every_position_arrive_whole_and_in_order()
    {
        var packets = MixedPackets();
        var wire = Wire(packets);
        for (var cut = 1; cut < wire.Length; cut++)
        {
            var sink = await ReadAllAsync(new ScriptedReadStream([wire.AsMemory(0, cut), wire.AsMemory(cut)]));
            AssertSame(packets, sink, $"cut at {cut} of {wire.Length}");
        }
    }

    [Fact]
    public async Task Mixed_packets_fed_byte_by_byte_arrive_whole_and_in_order()
    {
        var packets = MixedPackets();
        var sink = await ReadAllAsync(ScriptedReadStream.ByteByByte(Wire(packets)));
        AssertSame(packets, sink, "byte by byte");
    }

    [Theory]
    [InlineData(64 * 1024 - 1)]
    [InlineData(64 * 1024)]
    [InlineData(64 * 1024 + 1)]
    [InlineData(700 * 1024)]
    public async Task A_packet_around_or_above_the_64_KB_buffer_is_gathered_across_reads(int packetSize)
    {
        // A PUBLISH QoS 0 of exactly packetSize bytes (fixed header included), between two small packets.
        var header = 1 + (packetSize - 1 < 16_388 ? 2 : packetSize - 1 < 2_097_156 ? 3 : 4);
        var body = new byte[packetSize - header];
        body[1] = 1;
        body[2] = (byte)'t';
        Random.Shared.NextBytes(body.AsSpan(3));
        List<(byte, byte[])> packets = [(0xD0, []), (0x30, body), (0x40, [0, 5])];
        var wire = Wire(packets);
        Assert.Equal(2 + packetSize + 4, wire.Length);

        AssertSame(packets, await ReadAllAsync(ScriptedReadStream.InChunks(wire, 1000)), "1000-byte reads");
        AssertSame(packets, await ReadAllAsync(ScriptedReadStream.InChunks(wire, 64 * 1024)), "64 KB reads");
        AssertSame(packets, await ReadAllAsync(ScriptedReadStream.InChunks(wire, wire.Length)), "one read");
    }

    [Fact]
    public async Task The_read_buffer_stays_small_while_only_small_packets_trickle_in_and_grows_under_load_or_a_larger_packet()
    {
        // Idle-like traffic (a PINGRESP, a few small publishes, one per read): the buffer a connection starts with.
        var small = MixedPackets().Where(p => p.Body.Length < 100).ToList();
        var idle = new RecordingPacketSink();
        using (var transport = new CoalescingStream(new ScriptedReadStream(small.Select(p => new ReadOnlyMemory<byte>(BrokerPackets.Frame(p.FirstByte, p.Body))))))
        {
            var reader = new PacketReader(transport, idle, ConnectionSession.MaximumIncomingPacketSize);
            await reader.RunAsync(CancellationToken.None).WaitAsync(Timeout);
            Assert.Equal(PacketReader.InitialBufferSize, reader.BufferLength);
        }

        AssertSame(small, idle, "small packets");

        // A 10 KB packet: the buffer grows to hold it (no gathering below 64 KB), and it arrives whole.
        List<(byte, byte[])> medium = [(0x30, [0, 1, (byte)'m', .. new byte[10 * 1024]]), (0xD0, [])];
        var sink = new RecordingPacketSink();
        using (var transport = new CoalescingStream(ScriptedReadStream.InChunks(Wire(medium), 1500)))
        {
            var reader = new PacketReader(transport, sink, ConnectionSession.MaximumIncomingPacketSize);
            await reader.RunAsync(CancellationToken.None).WaitAsync(Timeout);
            Assert.InRange(reader.BufferLength, 10 * 1024 + 5, 32 * 1024);
        }

        AssertSame(medium, sink, "a 10 KB packet in 1500-byte reads");

        // A busy stream (reads that fill the buffer): it doubles up to the full 64 KB.
        var burst = Enumerable.Repeat(MixedPackets(), 200).SelectMany(p => p).ToList();
        var busy = new RecordingPacketSink();
        using (var transport = new CoalescingStream(ScriptedReadStream.InChunks(Wire(burst), 64 * 1024)))
        {
            var reader = new PacketReader(transport, busy, ConnectionSession.MaximumIncomingPacketSize);
            await reader.RunAsync(CancellationToken.None).WaitAsync(Timeout);
            Assert.Equal(PacketReader.BufferSize, reader.BufferLength);
        }

        AssertSame(burst, busy, "a burst");
    }

    [Fact]
    public async Task A_remaining_length_claiming_256_MB_then_a_close_is_a_clear_error_without_a_256_MB_allocation()
    {
        byte[] claim = [0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0, 1, (byte)'t'];
        var sink = new RecordingPacketSink();
        using var transport = new CoalescingStream(new ScriptedReadStream([claim]));
        var reader = new PacketReader(transport, sink, ConnectionSession.MaximumIncomingPacketSize);

        // The scripted stream completes every read at once, so the whole run happens on this thread.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var run = reader.RunAsync(CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(run.IsCompleted);
        var error = await Assert.ThrowsAsync<IOException>(() => run);
        Assert.Contains("in the middle of a 268435460-byte packet", error.Message, StringComparison.Ordinal);
        Assert.Contains("8 bytes of it had arrived", error.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Packets);
        Assert.True(allocated < 1024 * 1024, $"{allocated} bytes allocated for a claim of 256 MB");
    }

    [Fact]
    public async Task A_large_claim_grows_its_buffer_only_with_the_bytes_that_arrive()
    {
        const int Arriving = 3 * 1024 * 1024;
        byte[] claim = [0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0, 1, (byte)'t'];
        var chunks = new List<ReadOnlyMemory<byte>> { claim };
        chunks.AddRange(Enumerable.Repeat(new ReadOnlyMemory<byte>(new byte[64 * 1024]), Arriving / (64 * 1024)));
        using var transport = new CoalescingStream(new ScriptedReadStream(chunks));
        var reader = new PacketReader(transport, new RecordingPacketSink(), ConnectionSession.MaximumIncomingPacketSize);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var run = reader.RunAsync(CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        await Assert.ThrowsAsync<IOException>(() => run);
        Assert.Equal(claim.Length + Arriving, reader.BytesReceived);

        // Doubling as bytes arrive: a few times what arrived, nowhere near the 256 MB claimed.
        Assert.True(allocated < 4L * Arriving, $"{allocated} bytes allocated for {Arriving} bytes that arrived");
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0x80, 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00 })]
    public async Task A_remaining_length_longer_than_four_bytes_is_a_protocol_violation(byte[] wire)
    {
        var error = await Assert.ThrowsAsync<MqttProtocolViolationException>(() => ReadAllAsync(ScriptedReadStream.ByteByByte(wire)));
        Assert.Contains("remaining length is longer than four bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_packet_above_the_maximum_size_is_a_violation_naming_both_sizes_before_its_body_arrives()
    {
        // 2,000 bytes of body announced; only the header is sent.
        byte[] header = [0x30, 0xD0, 0x0F];
        var error = await Assert.ThrowsAsync<MqttProtocolViolationException>(() => ReadAllAsync(new ScriptedReadStream([header]), maximumPacketSize: 1000));
        Assert.Contains("2003-byte packet", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 1000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_packet_of_exactly_the_maximum_size_is_accepted()
    {
        List<(byte, byte[])> packets = [(0x30, [0, 1, (byte)'t', .. new byte[994]])];
        var wire = Wire(packets);
        Assert.Equal(1000, wire.Length);
        AssertSame(packets, await ReadAllAsync(ScriptedReadStream.InChunks(wire, 7), maximumPacketSize: 1000), "7-byte reads");
    }

    [Fact]
    public async Task A_close_in_the_middle_of_a_small_packet_is_an_error_and_a_close_between_packets_is_not()
    {
        var wire = Wire(MixedPackets());
        var error = await Assert.ThrowsAsync<IOException>(() => ReadAllAsync(new ScriptedReadStream([wire.AsMemory(0, wire.Length - 1)])));
        Assert.Contains("in the middle of a packet", error.Message, StringComparison.Ordinal);
        Assert.Equal(MixedPackets().Count, (await ReadAllAsync(new ScriptedReadStream([wire]))).Packets.Count);
    }
}
