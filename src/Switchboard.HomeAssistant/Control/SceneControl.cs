namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>scene</c> (<c>scene.py</c>): activating publishes <c>payload_on</c> (default <c>ON</c>) on
/// <c>command_topic</c>, as is.</summary>
public sealed class SceneControl : EntityControl
{
    internal SceneControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Scene)
    {
    }

    /// <summary>Activates the scene.</summary>
    public Task ActivateAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildActivate(), cancellationToken);

    /// <summary>The message <see cref="ActivateAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildActivate() => [Message("command_topic", Config.GetString("payload_on", "ON"))];
}
