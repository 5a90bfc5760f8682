using System.Text.Json;

namespace Switchboard.HomeAssistant;

/// <summary>The <c>origin</c> (<c>o</c>) mapping: which application published a discovery config.</summary>
/// <param name="Name">The application's name (required by Home Assistant).</param>
/// <param name="SwVersion"><c>sw_version</c> (<c>sw</c>).</param>
/// <param name="SupportUrl"><c>support_url</c> (<c>url</c>).</param>
public sealed record OriginInfo(string Name, string? SwVersion, string? SupportUrl)
{
    /// <summary>Origin mappings by their JSON text: every entity an application announces carries the same one.</summary>
    private static readonly Discovery.SharedValues<OriginInfo> Shared = new(1_024);

    internal static OriginInfo? Parse(JsonElement origin, out string? error)
    {
        var parsed = ParseCore(origin, out error);
        return parsed is null || origin.ValueKind != JsonValueKind.Object ? parsed : Shared.GetOrAdd(origin.GetRawText(), _ => parsed);
    }

    private static OriginInfo? ParseCore(JsonElement origin, out string? error)
    {
        error = null;
        var view = new Discovery.ConfigView(origin);
        if (origin.ValueKind != JsonValueKind.Object || view.GetString("name") is not { } name)
        {
            error = "'origin' must be a mapping with a 'name'";
            return null;
        }

        return new OriginInfo(name, view.GetString("sw_version"), view.GetString("support_url"));
    }
}
