using System.Text;
using Switchboard.Dashboard.Traffic;

namespace Switchboard.Dashboard.Tests.Unit;

public sealed class PayloadPreviewTests
{
    [Fact]
    public void A_json_object_is_pretty_printed_and_its_text_kept_as_is()
    {
        var payload = """{"state":"ON","name":"<b>x</b>","brightness":128}"""u8.ToArray();
        var (kind, text) = PayloadPreview.Format(payload, payload.Length);
        Assert.Equal("json", kind);
        Assert.Contains("\n", text, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"<b>x</b>\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("21.5")]
    [InlineData("ON")]
    [InlineData("{not json")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("line one\nline two\ttabbed")]
    public void Text_that_is_not_a_json_object_or_array_is_shown_as_text(string payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload);
        Assert.Equal(("text", payload), PayloadPreview.Format(bytes, bytes.Length));
    }

    [Fact]
    public void Invalid_utf8_and_control_characters_are_shown_as_hex()
    {
        Assert.Equal(("binary", "ff fe 00 41"), PayloadPreview.Format(new byte[] { 0xff, 0xfe, 0x00, 0x41 }, 4));
        Assert.Equal(("binary", "01 02"), PayloadPreview.Format(new byte[] { 1, 2 }, 2));
    }

    [Fact]
    public void Hex_breaks_lines_every_16_bytes_and_names_the_size_when_cut()
    {
        var bytes = Enumerable.Range(0, 600).Select(i => (byte)(0x80 | (i % 64))).ToArray();
        var (kind, text) = PayloadPreview.Format(bytes, 10_000);
        Assert.Equal("binary", kind);
        Assert.Equal(32, text.Split('\n').Length);
        Assert.EndsWith("(10,000 bytes)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cut_inside_a_multibyte_character_stays_text_and_names_the_size()
    {
        var full = Encoding.UTF8.GetBytes(new string('é', 100));
        var kept = full.AsSpan(0, 51).ToArray(); // half of the 26th character
        var (kind, text) = PayloadPreview.Format(kept, full.Length);
        Assert.Equal("text", kind);
        Assert.Equal(new string('é', 25) + "… (200 bytes)", text);
    }

    [Fact]
    public void A_cut_json_object_is_shown_as_text_with_the_size()
    {
        var full = Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', 100) + "\"}");
        var (kind, text) = PayloadPreview.Format(full.AsSpan(0, 20), full.Length);
        Assert.Equal("text", kind);
        Assert.EndsWith($"… ({full.Length} bytes)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_payload_is_empty()
    {
        Assert.Equal(("empty", string.Empty), PayloadPreview.Format([], 0));
    }
}
