namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>lawn_mower</c> (<c>lawn_mower.py</c>): each action renders its command template with
/// <c>value</c> = the action's name (<c>start_mowing</c>, <c>pause</c>, <c>dock</c>) and publishes it on its own topic
/// (<c>start_mowing_command_topic</c>, <c>pause_command_topic</c>, <c>dock_command_topic</c>).</summary>
public sealed class LawnMowerControl : EntityControl
{
    internal LawnMowerControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.LawnMower)
    {
    }

    /// <summary>Starts mowing.</summary>
    public Task StartMowingAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildStartMowing(), cancellationToken);

    /// <summary>Pauses.</summary>
    public Task PauseAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildPause(), cancellationToken);

    /// <summary>Returns to the dock.</summary>
    public Task DockAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildDock(), cancellationToken);

    /// <summary>The message <see cref="StartMowingAsync"/> publishes.</summary>
    /// <exception cref="NotSupportedException">The config has no <c>start_mowing_command_topic</c>.</exception>
    public IReadOnlyList<CommandMessage> BuildStartMowing() => Build("start_mowing");

    /// <summary>The message <see cref="PauseAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildPause() => Build("pause");

    /// <summary>The message <see cref="DockAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildDock() => Build("dock");

    private CommandMessage[] Build(string action)
    {
        RequireTopic($"{action}_command_topic");
        return [Message($"{action}_command_topic", Render($"{action}_command_template", action))];
    }
}
