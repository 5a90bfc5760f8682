using System.Text.Json;
using Spectre.Console;

namespace Switchboard.Cli;

/// <summary>Pretty, one-line rendering of an envelope for the terminal.</summary>
internal static class EnvelopeView
{
    public static bool TryFormat(ReadOnlyMemory<byte> payload, out string markup)
    {
        markup = string.Empty;
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : "?";
            markup = $"[cyan]{Markup.Escape(type.GetString()!)}[/] from [yellow]{Markup.Escape(source!)}[/] [grey]{Markup.Escape(id.GetString()![..Math.Min(8, id.GetString()!.Length)])}[/] {Markup.Escape(data.GetRawText())}";
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
