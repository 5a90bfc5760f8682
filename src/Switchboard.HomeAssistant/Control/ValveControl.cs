namespace Switchboard.HomeAssistant;

/// <summary>
/// Controls a <c>valve</c> (<c>valve.py</c>): <c>payload_open</c>/<c>payload_close</c> (default <c>OPEN</c>/<c>CLOSE</c>;
/// a null payload disables the action) and <c>payload_stop</c> (only when configured) on <c>command_topic</c>, through
/// <c>command_template</c>; with <c>reports_position</c>, a position rescaled from 0–100 to
/// <c>position_closed</c>..<c>position_open</c> on the same topic, through <c>command_template</c> with the variables
/// <c>position</c>, <c>position_open</c> and <c>position_closed</c>.
/// </summary>
public sealed class ValveControl : EntityControl
{
    internal ValveControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Valve)
    {
    }

    /// <summary>True when the valve reports and takes a position (<c>reports_position</c>).</summary>
    public bool ReportsPosition => Config.GetBool("reports_position", false);

    /// <summary>Opens it.</summary>
    public Task OpenAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildOpen(), cancellationToken);

    /// <summary>Closes it.</summary>
    public Task CloseAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildClose(), cancellationToken);

    /// <summary>Stops it.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildStop(), cancellationToken);

    /// <summary>Moves it to <paramref name="position"/> percent open.</summary>
    public Task SetPositionAsync(int position, CancellationToken cancellationToken = default) => PublishAsync(BuildSetPosition(position), cancellationToken);

    /// <summary>The message <see cref="OpenAsync"/> publishes (with a null <c>payload_open</c> and <c>reports_position</c>:
    /// position 100, as Home Assistant falls back to).</summary>
    public IReadOnlyList<CommandMessage> BuildOpen() => ConfiguredPayload("payload_open", "OPEN") is { } payload
        ? [Message("command_topic", Render("command_template", payload))]
        : ReportsPosition ? BuildSetPosition(100) : throw new NotSupportedException($"valve '{Entity.Id}' cannot open: its payload_open is null.");

    /// <summary>The message <see cref="CloseAsync"/> publishes (position 0 when <c>payload_close</c> is null and it reports a position).</summary>
    public IReadOnlyList<CommandMessage> BuildClose() => ConfiguredPayload("payload_close", "CLOSE") is { } payload
        ? [Message("command_topic", Render("command_template", payload))]
        : ReportsPosition ? BuildSetPosition(0) : throw new NotSupportedException($"valve '{Entity.Id}' cannot close: its payload_close is null.");

    /// <summary>The message <see cref="StopAsync"/> publishes.</summary>
    /// <exception cref="NotSupportedException">The config has no <c>payload_stop</c>.</exception>
    public IReadOnlyList<CommandMessage> BuildStop() =>
        [Message("command_topic", Render("command_template", ConfiguredPayload("payload_stop", null) ?? throw new NotSupportedException($"valve '{Entity.Id}' has no payload_stop, so it cannot stop.")))];

    /// <summary>The message <see cref="SetPositionAsync"/> publishes.</summary>
    /// <exception cref="NotSupportedException">The valve does not report a position.</exception>
    public IReadOnlyList<CommandMessage> BuildSetPosition(int position)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(position, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, 100);
        if (!ReportsPosition)
        {
            throw new NotSupportedException($"valve '{Entity.Id}' does not report a position (reports_position), so it cannot be set to one.");
        }

        var closed = Config.GetInt("position_closed", 0);
        var open = Config.GetInt("position_open", 100);
        var device = PyRound(((open - closed) * position / 100.0) + closed);
        var variables = new Dictionary<string, object?>
        {
            ["position"] = (long)position,
            ["position_open"] = (long)open,
            ["position_closed"] = (long)closed,
        };
        return [Message("command_topic", Render("command_template", (long)device, variables))];
    }
}
