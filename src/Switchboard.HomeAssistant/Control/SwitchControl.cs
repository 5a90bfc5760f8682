namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>switch</c>: <c>payload_on</c>/<c>payload_off</c> (default <c>ON</c>/<c>OFF</c>) on
/// <c>command_topic</c>, through <c>command_template</c>.</summary>
public sealed class SwitchControl : EntityControl
{
    internal SwitchControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Switch)
    {
    }

    /// <summary>Turns it on.</summary>
    public Task TurnOnAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildTurnOn(), cancellationToken);

    /// <summary>Turns it off.</summary>
    public Task TurnOffAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildTurnOff(), cancellationToken);

    /// <summary>Turns it on when it is off (or unknown), off when it is on.</summary>
    public Task ToggleAsync(CancellationToken cancellationToken = default) =>
        Entity.State.IsOn == true ? TurnOffAsync(cancellationToken) : TurnOnAsync(cancellationToken);

    /// <summary>The message <see cref="TurnOnAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOn() =>
        [Message("command_topic", Render("command_template", Config.GetString("payload_on", "ON")))];

    /// <summary>The message <see cref="TurnOffAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOff() =>
        [Message("command_topic", Render("command_template", Config.GetString("payload_off", "OFF")))];
}
