using System.Text.RegularExpressions;

namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>lock</c>: <c>payload_lock</c>, <c>payload_unlock</c> (default <c>LOCK</c>/<c>UNLOCK</c>) and
/// <c>payload_open</c> (only when configured) on <c>command_topic</c>, through <c>command_template</c> with the
/// <c>code</c> variable. A code is checked against <c>code_format</c> when the config has one.</summary>
public sealed class LockControl : EntityControl
{
    internal LockControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Lock)
    {
    }

    /// <summary>True when the lock can be opened (the config has <c>payload_open</c>).</summary>
    public bool SupportsOpen => Config.Has("payload_open");

    /// <summary>Locks it.</summary>
    public Task LockAsync(string? code = null, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildLock(code), cancellationToken);

    /// <summary>Unlocks it.</summary>
    public Task UnlockAsync(string? code = null, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildUnlock(code), cancellationToken);

    /// <summary>Opens it (unlatches the door).</summary>
    /// <exception cref="NotSupportedException">The config has no <c>payload_open</c>.</exception>
    public Task OpenAsync(string? code = null, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildOpen(code), cancellationToken);

    /// <summary>The message <see cref="LockAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildLock(string? code = null) => Build(Config.GetString("payload_lock", "LOCK"), code);

    /// <summary>The message <see cref="UnlockAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildUnlock(string? code = null) => Build(Config.GetString("payload_unlock", "UNLOCK"), code);

    /// <summary>The message <see cref="OpenAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildOpen(string? code = null) =>
        Build(Config.GetString("payload_open") ?? throw new NotSupportedException($"lock '{Entity.Id}' has no payload_open, so it cannot be opened."), code);

    private CommandMessage[] Build(string payload, string? code)
    {
        if (Config.GetString("code_format") is { } format)
        {
            if (code is null || !Regex.IsMatch(code, $"^(?:{format})$", RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                throw new ArgumentException($"lock '{Entity.Id}' needs a code matching '{format}'.", nameof(code));
            }
        }

        return [Message("command_topic", Render("command_template", payload, new Dictionary<string, object?> { ["code"] = code }))];
    }
}
