namespace Switchboard.HomeAssistant;

/// <summary>A refused discovery message, kept in <see cref="HomeAssistantRegistry.Rejections"/> (the most recent ones).</summary>
/// <param name="Topic">The discovery topic.</param>
/// <param name="Reason">Why it was refused.</param>
/// <param name="Detail">A sentence naming the key, value or level at fault.</param>
/// <param name="Component">For device-based discovery, the component id inside <c>cmps</c>; otherwise null.</param>
/// <param name="Timestamp">When it was refused.</param>
public sealed record DiscoveryRejection(string Topic, RejectionReason Reason, string Detail, string? Component, DateTimeOffset Timestamp)
{
    /// <inheritdoc/>
    public override string ToString() =>
        Component is null ? $"{Topic}: {Reason} — {Detail}" : $"{Topic} [{Component}]: {Reason} — {Detail}";
}
