using System.Text;

namespace Switchboard.Tests.Connection.Wire;

/// <summary>The MQTT fixed header and variable byte integers, checked against the encodings the specification lists.</summary>
public sealed class MqttFramingTests
{
    // MQTT 3.1.1 §2.2.3 / MQTT 5 §1.5.5: the boundaries of each encoded size.
    public static TheoryData<int, byte[]> SpecLengths => new()
    {
        { 0, [0x00] },
        { 1, [0x01] },
        { 127, [0x7F] },
        { 128, [0x80, 0x01] },
        { 321, [0xC1, 0x02] },
        { 16_383, [0xFF, 0x7F] },
        { 16_384, [0x80, 0x80, 0x01] },
        { 2_097_151, [0xFF, 0xFF, 0x7F] },
        { 2_097_152, [0x80, 0x80, 0x80, 0x01] },
        { 268_435_455, [0xFF, 0xFF, 0xFF, 0x7F] },
    };

    [Theory]
    [MemberData(nameof(SpecLengths))]
    public void A_header_is_read_for_every_size_of_remaining_length(int length, byte[] encoded)
    {
        // The header is followed by body bytes that must not be taken for part of it.
        byte[] data = [0x32, .. encoded, 0x00, 0x03, 0xFF];

        var status = MqttFraming.TryReadHeader(data, out var first, out var headerLength, out var remaining);

        Assert.Equal(MqttFraming.HeaderStatus.Complete, status);
        Assert.Equal(0x32, first);
        Assert.Equal(1 + encoded.Length, headerLength);
        Assert.Equal(length, remaining);
    }

    [Theory]
    [MemberData(nameof(SpecLengths))]
    public void A_header_exactly_as_long_as_its_encoding_is_complete(int length, byte[] encoded)
    {
        byte[] data = [0xD0, .. encoded];

        Assert.Equal(MqttFraming.HeaderStatus.Complete, MqttFraming.TryReadHeader(data, out var first, out var headerLength, out var remaining));
        Assert.Equal(0xD0, first);
        Assert.Equal(data.Length, headerLength);
        Assert.Equal(length, remaining);
    }

    [Theory]
    [MemberData(nameof(SpecLengths))]
    public void Every_prefix_of_a_header_is_incomplete(int length, byte[] encoded)
    {
        _ = length;
        byte[] header = [0x40, .. encoded];
        for (var cut = 0; cut < header.Length; cut++)
        {
            var status = MqttFraming.TryReadHeader(header.AsSpan(0, cut), out _, out var headerLength, out var remaining);
            Assert.Equal(MqttFraming.HeaderStatus.Incomplete, status);
            Assert.Equal(0, headerLength);
            Assert.Equal(0, remaining);
        }
    }

    [Fact]
    public void Four_continuation_bytes_are_incomplete_until_the_fifth_length_byte_shows_them_malformed()
    {
        // Four length bytes all with the continuation bit: a fifth length byte would be needed, which MQTT forbids.
        byte[] malformed = [0x30, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00, 0x00];

        Assert.Equal(MqttFraming.HeaderStatus.Incomplete, MqttFraming.TryReadHeader(malformed.AsSpan(0, 4), out _, out _, out _));
        for (var length = 5; length <= malformed.Length; length++)
        {
            Assert.Equal(MqttFraming.HeaderStatus.Malformed, MqttFraming.TryReadHeader(malformed.AsSpan(0, length), out _, out _, out _));
        }

        Assert.Equal(MqttFraming.HeaderStatus.Malformed, MqttFraming.TryReadHeader([0x40, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], out _, out _, out _));
    }

    [Theory]
    [MemberData(nameof(SpecLengths))]
    public void A_variable_int_is_written_read_and_sized_as_the_spec_encodes_it(int value, byte[] encoded)
    {
        Span<byte> buffer = stackalloc byte[8];
        buffer.Fill(0xEE);

        var written = MqttFraming.WriteVariableInt(buffer, value);

        Assert.Equal(encoded.Length, written);
        Assert.Equal(encoded, buffer[..written].ToArray());
        Assert.Equal(0xEE, buffer[written]);
        Assert.Equal(encoded.Length, MqttFraming.VariableIntSize(value));
        Assert.True(MqttFraming.TryReadVariableInt([.. encoded, 0x85, 0x01], out var read, out var readLength));
        Assert.Equal(value, read);
        Assert.Equal(encoded.Length, readLength);
    }

    [Fact]
    public void Variable_ints_round_trip_across_the_whole_range()
    {
        var values = new List<int>();
        foreach (var boundary in new[] { 0, 128, 16_384, 2_097_152, MqttFraming.MaxRemainingLength })
        {
            for (var delta = -2; delta <= 2; delta++)
            {
                var value = boundary + delta;
                if (value is >= 0 and <= MqttFraming.MaxRemainingLength)
                {
                    values.Add(value);
                }
            }
        }

        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            values.Add(random.Next(0, MqttFraming.MaxRemainingLength + 1));
        }

        Span<byte> buffer = stackalloc byte[4];
        Span<byte> header = stackalloc byte[5];
        foreach (var value in values)
        {
            var written = MqttFraming.WriteVariableInt(buffer, value);
            Assert.Equal(MqttFraming.VariableIntSize(value), written);
            Assert.True(MqttFraming.TryReadVariableInt(buffer[..written], out var read, out var length), $"value {value}");
            Assert.Equal(value, read);
            Assert.Equal(written, length);

            // The same bytes as a fixed header's remaining length.
            header[0] = 0x30;
            buffer[..written].CopyTo(header[1..]);
            Assert.Equal(MqttFraming.HeaderStatus.Complete, MqttFraming.TryReadHeader(header[..(1 + written)], out _, out var headerLength, out var remaining));
            Assert.Equal(1 + written, headerLength);
            Assert.Equal(value, remaining);
        }
    }

    [Fact]
    public void A_variable_int_that_is_cut_off_or_longer_than_four_bytes_is_not_read()
    {
        Assert.False(MqttFraming.TryReadVariableInt([], out _, out _));
        Assert.False(MqttFraming.TryReadVariableInt([0x80], out _, out _));
        Assert.False(MqttFraming.TryReadVariableInt([0xFF, 0xFF, 0xFF], out _, out _));
        Assert.False(MqttFraming.TryReadVariableInt([0x80, 0x80, 0x80, 0x80, 0x01], out _, out var length));
        Assert.Equal(0, length);
    }

    private static byte[] Utf8String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }

    private static byte[] UserProperty(string name, string value) => [0x26, .. Utf8String(name), .. Utf8String(value)];

    private static byte[] Reason(string value) => [0x1F, .. Utf8String(value)];

    [Fact]
    public void The_reason_string_is_found_after_user_properties()
    {
        byte[] properties = [.. UserProperty("a", "b"), .. UserProperty("trace-id", "Ünïcode ✓"), .. Reason("Quota exceeded ⚠"), .. UserProperty("after", "x")];

        Assert.Equal("Quota exceeded ⚠", MqttFraming.ReasonString(properties));
    }

    [Fact]
    public void The_reason_string_alone_and_an_empty_one_are_read()
    {
        Assert.Equal("not authorized", MqttFraming.ReasonString(Reason("not authorized")));
        Assert.Equal(string.Empty, MqttFraming.ReasonString(Reason(string.Empty)));
    }

    [Fact]
    public void A_user_property_value_that_looks_like_a_reason_string_is_not_taken_for_one()
    {
        // The pair holds bytes that would read as a reason string if the parser lost its place in it.
        byte[] properties = [.. UserProperty("\u001F\u0000\u0002no", "\u001F"), .. Reason("real")];

        Assert.Equal("real", MqttFraming.ReasonString(properties));
    }

    public static TheoryData<byte[]> NoReasonString => new()
    {
        Array.Empty<byte>(),
        UserProperty("a", "b"),
        new byte[] { 0x99, 0x00, 0x01, 0x41 },
        new byte[] { 0x1F },
        new byte[] { 0x1F, 0x00 },
        new byte[] { 0x1F, 0x00, 0x05, 0x41, 0x42 },
        new byte[] { 0x26, 0x00, 0x01, 0x41 },
        new byte[] { 0x26, 0x00, 0x01, 0x41, 0x00, 0x09, 0x42 },
        new byte[] { 0x02, 0x00, 0x00, 0x00, 0x10, 0x1F, 0x00, 0x01, 0x41 },
        (byte[])[.. UserProperty("a", "b"), 0x01, 0x01, .. Reason("hidden behind an unknown property")],
    };

    [Theory]
    [MemberData(nameof(NoReasonString))]
    public void Properties_without_a_readable_reason_string_give_null(byte[] properties)
    {
        Assert.Null(MqttFraming.ReasonString(properties));
    }

    [Fact]
    public void Two_byte_integers_are_big_endian()
    {
        Assert.Equal(0x8001, MqttFraming.ReadUInt16([0x80, 0x01, 0xFF]));
        Assert.Equal(0x00FF, MqttFraming.ReadUInt16([0x00, 0xFF]));
    }
}
