using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant;

/// <summary>
/// Controls a <c>fan</c>: <c>payload_on</c>/<c>payload_off</c> on <c>command_topic</c> (through <c>command_template</c>),
/// a percentage on <c>percentage_command_topic</c> rescaled to <c>speed_range_min</c>..<c>speed_range_max</c>
/// (<c>percentage_command_template</c>), a preset on <c>preset_mode_command_topic</c>, oscillation as
/// <c>payload_oscillation_on</c>/<c>off</c> on <c>oscillation_command_topic</c>, and the direction on
/// <c>direction_command_topic</c>, each through its own command template.
/// </summary>
public sealed class FanControl : EntityControl
{
    internal FanControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Fan)
    {
    }

    /// <summary>Turns it on; then sets the percentage and/or preset when given, as <c>fan.turn_on</c> does.</summary>
    public Task TurnOnAsync(int? percentage = null, string? presetMode = null, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildTurnOn(percentage, presetMode), cancellationToken);

    /// <summary>Turns it off.</summary>
    public Task TurnOffAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildTurnOff(), cancellationToken);

    /// <summary>Sets the speed in percent.</summary>
    public Task SetPercentageAsync(int percentage, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildSetPercentage(percentage), cancellationToken);

    /// <summary>Sets a preset mode from <c>preset_modes</c>.</summary>
    public Task SetPresetModeAsync(string presetMode, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildSetPresetMode(presetMode), cancellationToken);

    /// <summary>Starts or stops oscillating.</summary>
    public Task OscillateAsync(bool oscillating, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildOscillate(oscillating), cancellationToken);

    /// <summary>Sets the direction: <c>forward</c> or <c>reverse</c>.</summary>
    public Task SetDirectionAsync(string direction, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildSetDirection(direction), cancellationToken);

    /// <summary>The messages <see cref="TurnOnAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOn(int? percentage = null, string? presetMode = null)
    {
        var messages = new List<CommandMessage> { Message("command_topic", Render("command_template", Config.GetString("payload_on", "ON"))) };
        if (percentage is { } value)
        {
            messages.AddRange(BuildSetPercentage(value));
        }

        if (presetMode is not null)
        {
            messages.AddRange(BuildSetPresetMode(presetMode));
        }

        return messages;
    }

    /// <summary>The message <see cref="TurnOffAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOff() =>
        [Message("command_topic", Render("command_template", Config.GetString("payload_off", "OFF")))];

    /// <summary>The message <see cref="SetPercentageAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetPercentage(int percentage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentage, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentage, 100);
        var value = FanStateReducer.PercentageToRangedValue(Config.GetInt("speed_range_min", 1), Config.GetInt("speed_range_max", 100), percentage);
        return [Message("percentage_command_topic", Render("percentage_command_template", (long)value))];
    }

    /// <summary>The message <see cref="SetPresetModeAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetPresetMode(string presetMode)
    {
        RequireTopic("preset_mode_command_topic");
        RequireIn(presetMode, "preset_modes", [], "preset mode");
        return [Message("preset_mode_command_topic", Render("preset_mode_command_template", presetMode))];
    }

    /// <summary>The message <see cref="OscillateAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildOscillate(bool oscillating)
    {
        var payload = oscillating ? Config.GetString("payload_oscillation_on", "oscillate_on") : Config.GetString("payload_oscillation_off", "oscillate_off");
        return [Message("oscillation_command_topic", Render("oscillation_command_template", payload))];
    }

    /// <summary>The message <see cref="SetDirectionAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetDirection(string direction)
    {
        if (direction is not ("forward" or "reverse"))
        {
            throw new ArgumentException($"A fan direction is 'forward' or 'reverse', not '{direction}'.", nameof(direction));
        }

        return [Message("direction_command_topic", Render("direction_command_template", direction))];
    }
}
