namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>button</c>: <c>payload_press</c> (default <c>PRESS</c>) on <c>command_topic</c>, through
/// <c>command_template</c>.</summary>
public sealed class ButtonControl : EntityControl
{
    internal ButtonControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Button)
    {
    }

    /// <summary>Presses it.</summary>
    public Task PressAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildPress(), cancellationToken);

    /// <summary>The message <see cref="PressAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildPress() =>
        [Message("command_topic", Render("command_template", Config.GetString("payload_press", "PRESS")))];
}
