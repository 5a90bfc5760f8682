namespace Switchboard.HomeAssistant;

/// <summary>
/// Controls a <c>cover</c>: <c>payload_open</c>/<c>payload_close</c>/<c>payload_stop</c> (default
/// <c>OPEN</c>/<c>CLOSE</c>/<c>STOP</c>; a null payload disables the action) on <c>command_topic</c>; a position on
/// <c>set_position_topic</c>, rescaled from 0–100 to <c>position_closed</c>..<c>position_open</c> and rendered by
/// <c>set_position_template</c>; a tilt on <c>tilt_command_topic</c>, rescaled to <c>tilt_min</c>..<c>tilt_max</c> and
/// rendered by <c>tilt_command_template</c>.
/// </summary>
public sealed class CoverControl : EntityControl
{
    internal CoverControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Cover)
    {
    }

    /// <summary>Opens it.</summary>
    public Task OpenAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildOpen(), cancellationToken);

    /// <summary>Closes it.</summary>
    public Task CloseAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildClose(), cancellationToken);

    /// <summary>Stops it.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildStop(), cancellationToken);

    /// <summary>Moves it to <paramref name="position"/> percent open (0 closed, 100 open).</summary>
    public Task SetPositionAsync(int position, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildSetPosition(position), cancellationToken);

    /// <summary>Tilts it to <paramref name="tilt"/> percent.</summary>
    public Task SetTiltAsync(int tilt, CancellationToken cancellationToken = default) => PublishAsync(BuildSetTilt(tilt), cancellationToken);

    /// <summary>Tilts it open (<c>tilt_opened_value</c>).</summary>
    public Task OpenTiltAsync(CancellationToken cancellationToken = default) =>
        PublishAsync(BuildTiltTo(Config.GetInt("tilt_opened_value", 100)), cancellationToken);

    /// <summary>Tilts it closed (<c>tilt_closed_value</c>).</summary>
    public Task CloseTiltAsync(CancellationToken cancellationToken = default) =>
        PublishAsync(BuildTiltTo(Config.GetInt("tilt_closed_value", 0)), cancellationToken);

    /// <summary>The message <see cref="OpenAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildOpen() => [Message("command_topic", Payload("payload_open", "OPEN", "open"))];

    /// <summary>The message <see cref="CloseAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildClose() => [Message("command_topic", Payload("payload_close", "CLOSE", "close"))];

    /// <summary>The message <see cref="StopAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildStop() => [Message("command_topic", Payload("payload_stop", "STOP", "stop"))];

    /// <summary>The message <see cref="SetPositionAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetPosition(int position)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(position, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, 100);
        var closed = Config.GetInt("position_closed", 0);
        var open = Config.GetInt("position_open", 100);
        var device = closed + PyRound((open - closed) * (position / 100.0));
        var variables = Variables();
        variables["position"] = (long)position;
        return [Message("set_position_topic", Render("set_position_template", (long)device, variables))];
    }

    /// <summary>The message <see cref="SetTiltAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetTilt(int tilt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tilt, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tilt, 100);
        var min = Config.GetInt("tilt_min", 0);
        var max = Config.GetInt("tilt_max", 100);
        var device = min + PyRound((max - min) * (tilt / 100.0));
        var variables = Variables();
        variables["tilt_position"] = (long)tilt;
        return [Message("tilt_command_topic", Render("tilt_command_template", (long)device, variables))];
    }

    private CommandMessage[] BuildTiltTo(int value)
    {
        var variables = Variables();
        variables["tilt_position"] = (long)value;
        return [Message("tilt_command_topic", Render("tilt_command_template", (long)value, variables))];
    }

    private string Payload(string key, string fallback, string action) =>
        ConfiguredPayload(key, fallback) ?? throw new NotSupportedException($"cover '{Entity.Id}' cannot {action}: its {key} is null.");

    private Dictionary<string, object?> Variables() => new()
    {
        ["position_open"] = (long)Config.GetInt("position_open", 100),
        ["position_closed"] = (long)Config.GetInt("position_closed", 0),
        ["tilt_min"] = (long)Config.GetInt("tilt_min", 0),
        ["tilt_max"] = (long)Config.GetInt("tilt_max", 100),
    };
}
