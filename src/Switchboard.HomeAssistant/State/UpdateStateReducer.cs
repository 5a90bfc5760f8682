using System.Text.Json;
using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of an <c>update</c> (<c>update.py</c>): <c>state_topic</c> through <c>value_template</c> is a JSON object
/// (<c>installed_version</c>, <c>latest_version</c>, <c>title</c>, <c>release_summary</c>, <c>release_url</c>,
/// <c>entity_picture</c>, <c>in_progress</c>, <c>update_percentage</c>; keys left out keep their value) or anything else,
/// which is the installed version; <c>latest_version_topic</c> through <c>latest_version_template</c> is the latest
/// version. <see cref="EntityState.Value"/> is <c>on</c> when both versions are known and differ, <c>off</c> when equal.
/// </summary>
internal static class UpdateStateReducer
{
    public static EntityState? Apply(StateContext context, string key)
    {
        var info = context.Current.Update ?? Initial(context.Config);
        switch (key)
        {
            case "state_topic":
                var value = context.Render("value_template");
                if (string.IsNullOrEmpty(value) || value == "{}")
                {
                    return null;
                }

                info = Parse(info, value);
                break;
            case "latest_version_topic":
                var latest = context.Render("latest_version_template");
                if (string.IsNullOrEmpty(latest))
                {
                    return null;
                }

                info = info with { LatestVersion = latest };
                break;
            default:
                return null;
        }

        return context.Current with
        {
            Update = info,
            Value = info.IsUpdateAvailable switch { true => "on", false => "off", null => null },
        };
    }

    /// <summary>What the config says before any message: <c>title</c>, <c>release_summary</c>, <c>release_url</c>,
    /// <c>entity_picture</c>.</summary>
    public static UpdateInfo Initial(ConfigView config) => new()
    {
        Title = config.GetString("title"),
        ReleaseSummary = config.GetString("release_summary"),
        ReleaseUrl = config.GetString("release_url"),
        EntityPicture = config.GetString("entity_picture"),
    };

    private static UpdateInfo Parse(UpdateInfo info, string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return info with { InstalledVersion = value };
            }

            string? Text(string name, string? old) => root.TryGetProperty(name, out var v) ? ConfigView.AsText(v) : old;
            return info with
            {
                InstalledVersion = Text("installed_version", info.InstalledVersion),
                LatestVersion = Text("latest_version", info.LatestVersion),
                Title = Text("title", info.Title),
                ReleaseSummary = Text("release_summary", info.ReleaseSummary),
                ReleaseUrl = Text("release_url", info.ReleaseUrl),
                EntityPicture = Text("entity_picture", info.EntityPicture),
                InProgress = root.TryGetProperty("in_progress", out var progress)
                    ? progress.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null }
                    : info.InProgress,
                UpdatePercentage = root.TryGetProperty("update_percentage", out var percentage)
                    ? percentage.ValueKind == JsonValueKind.Number ? percentage.GetDouble() : null
                    : info.UpdatePercentage,
            };
        }
        catch (JsonException)
        {
            return info with { InstalledVersion = value };
        }
    }
}
