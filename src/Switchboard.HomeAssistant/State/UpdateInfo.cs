namespace Switchboard.HomeAssistant;

/// <summary>
/// The state of an <c>update</c> entity as Home Assistant's MQTT update reads it from <c>state_topic</c> (a plain version,
/// or a JSON object with <c>installed_version</c>, <c>latest_version</c>, <c>title</c>, <c>release_summary</c>,
/// <c>release_url</c>, <c>entity_picture</c>, <c>in_progress</c>, <c>update_percentage</c>) and
/// <c>latest_version_topic</c>. Values the config sets (<c>title</c>, <c>release_summary</c> …) are the starting point.
/// </summary>
public sealed record UpdateInfo
{
    /// <summary>The version installed.</summary>
    public string? InstalledVersion { get; init; }

    /// <summary>The newest version available.</summary>
    public string? LatestVersion { get; init; }

    /// <summary>Title of the software.</summary>
    public string? Title { get; init; }

    /// <summary>Summary of the release notes.</summary>
    public string? ReleaseSummary { get; init; }

    /// <summary>Link to the release notes.</summary>
    public string? ReleaseUrl { get; init; }

    /// <summary>Picture shown for the update.</summary>
    public string? EntityPicture { get; init; }

    /// <summary>True while an install runs.</summary>
    public bool? InProgress { get; init; }

    /// <summary>Progress of a running install, 0–100.</summary>
    public double? UpdatePercentage { get; init; }

    /// <summary>True when both versions are known and differ (Home Assistant's <c>on</c> state).</summary>
    public bool? IsUpdateAvailable => InstalledVersion is null || LatestVersion is null ? null : InstalledVersion != LatestVersion;
}
