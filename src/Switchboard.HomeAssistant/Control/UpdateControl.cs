namespace Switchboard.HomeAssistant;

/// <summary>Controls an <c>update</c> (<c>update.py</c>): installing publishes <c>payload_install</c> on
/// <c>command_topic</c>, as is (the platform has no command template).</summary>
public sealed class UpdateControl : EntityControl
{
    internal UpdateControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Update)
    {
    }

    /// <summary>True when it can install (the config has <c>command_topic</c>).</summary>
    public bool SupportsInstall => HasTopic("command_topic");

    /// <summary>Installs the latest version.</summary>
    public Task InstallAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildInstall(), cancellationToken);

    /// <summary>The message <see cref="InstallAsync"/> publishes.</summary>
    /// <exception cref="NotSupportedException">No <c>command_topic</c> or no <c>payload_install</c>.</exception>
    public IReadOnlyList<CommandMessage> BuildInstall() =>
        [Message("command_topic", Config.GetString("payload_install") ?? throw new NotSupportedException($"update '{Entity.Id}' has no payload_install, so it cannot install."))];
}
