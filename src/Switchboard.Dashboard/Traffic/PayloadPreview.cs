using System.Text;
using System.Text.Json;

namespace Switchboard.Dashboard.Traffic;

/// <summary>
/// How a payload is shown: JSON objects and arrays pretty-printed, UTF-8 text as it is, anything else as hex. The page
/// puts the text into the DOM as text, so what it contains never becomes markup.
/// </summary>
internal static class PayloadPreview
{
    /// <summary>Hex shows at most this many bytes (a line of 16 takes 48 characters).</summary>
    private const int MaxHexBytes = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The kind (<c>empty</c>, <c>json</c>, <c>text</c>, <c>binary</c>) and the text to show for
    /// <paramref name="kept"/>, the first bytes of a payload of <paramref name="size"/> bytes.</summary>
    public static (string Kind, string Text) Format(ReadOnlySpan<byte> kept, int size)
    {
        if (size == 0)
        {
            return ("empty", string.Empty);
        }

        var truncated = kept.Length < size;
        string text;
        try
        {
            text = StrictUtf8.GetString(kept);
        }
        catch (DecoderFallbackException) when (truncated)
        {
            // The cut may fall inside a multi-byte character: drop up to three bytes of it and try again.
            return FormatCutText(kept, size);
        }
        catch (DecoderFallbackException)
        {
            return ("binary", Hex(kept, size));
        }

        if (!truncated && LooksLikeJson(text) && TryIndent(kept, out var pretty))
        {
            return ("json", pretty);
        }

        return IsPrintable(text) ? ("text", truncated ? text + $"… ({size:N0} bytes)" : text) : ("binary", Hex(kept, size));
    }

    private static (string Kind, string Text) FormatCutText(ReadOnlySpan<byte> kept, int size)
    {
        for (var drop = 1; drop <= 3 && drop < kept.Length; drop++)
        {
            try
            {
                var text = StrictUtf8.GetString(kept[..^drop]);
                return IsPrintable(text) ? ("text", text + $"… ({size:N0} bytes)") : ("binary", Hex(kept, size));
            }
            catch (DecoderFallbackException)
            {
            }
        }

        return ("binary", Hex(kept, size));
    }

    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.Length > 0 && trimmed[0] is '{' or '[';
    }

    private static bool TryIndent(ReadOnlySpan<byte> utf8, out string pretty)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Indented))
            {
                document.WriteTo(writer);
            }

            pretty = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            return true;
        }
        catch (JsonException)
        {
            pretty = string.Empty;
            return false;
        }
    }

    /// <summary>Text is shown as text unless it holds control characters other than tab and line breaks.</summary>
    private static bool IsPrintable(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Hex(ReadOnlySpan<byte> kept, int size)
    {
        var shown = kept[..Math.Min(kept.Length, MaxHexBytes)];
        var builder = new StringBuilder((shown.Length * 3) + 32);
        for (var i = 0; i < shown.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(i % 16 == 0 ? '\n' : ' ');
            }

            builder.Append(shown[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (shown.Length < size)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $" … ({size:N0} bytes)");
        }

        return builder.ToString();
    }
}
