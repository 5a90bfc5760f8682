namespace Switchboard.HomeAssistant;

/// <summary>
/// Controls a <c>water_heater</c> (<c>water_heater.py</c>): the operation mode (one of <c>modes</c>, default off, eco,
/// electric, gas, heat_pump, high_demand, performance) on <c>mode_command_topic</c> through <c>mode_command_template</c>;
/// the target temperature (a float, as Home Assistant sends it: <c>50.0</c>) within <c>min_temp</c>..<c>max_temp</c>
/// (default 110–140 °F, 43.3–60 °C) on <c>temperature_command_topic</c> through <c>temperature_command_template</c>; power
/// with <c>payload_on</c>/<c>payload_off</c> on <c>power_command_topic</c> through <c>power_command_template</c>.
/// </summary>
public sealed class WaterHeaterControl : EntityControl
{
    internal WaterHeaterControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.WaterHeater)
    {
    }

    /// <summary>Sets the operation mode.</summary>
    public Task SetOperationModeAsync(string mode, CancellationToken cancellationToken = default) => PublishAsync(BuildSetOperationMode(mode), cancellationToken);

    /// <summary>Sets the target temperature.</summary>
    public Task SetTemperatureAsync(double temperature, CancellationToken cancellationToken = default) => PublishAsync(BuildSetTemperature(temperature), cancellationToken);

    /// <summary>Turns it on.</summary>
    public Task TurnOnAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildTurnOn(), cancellationToken);

    /// <summary>Turns it off.</summary>
    public Task TurnOffAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildTurnOff(), cancellationToken);

    /// <summary>The message <see cref="SetOperationModeAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetOperationMode(string mode)
    {
        RequireTopic("mode_command_topic");
        RequireIn(mode, "modes", State.WaterHeaterStateReducer.DefaultModes, "mode");
        return [Message("mode_command_topic", Render("mode_command_template", mode))];
    }

    /// <summary>The message <see cref="SetTemperatureAsync"/> publishes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside <c>min_temp</c>..<c>max_temp</c>.</exception>
    public IReadOnlyList<CommandMessage> BuildSetTemperature(double temperature)
    {
        var fahrenheit = string.Equals(Config.GetString("temperature_unit"), "F", StringComparison.OrdinalIgnoreCase);
        var min = Config.GetDouble("min_temp", fahrenheit ? 110 : 43.3);
        var max = Config.GetDouble("max_temp", fahrenheit ? 140 : 60);
        if (!double.IsFinite(temperature) || temperature < min || temperature > max)
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, $"water_heater '{Entity.Id}' takes {min} to {max}.");
        }

        return [Message("temperature_command_topic", Render("temperature_command_template", temperature))];
    }

    /// <summary>The message <see cref="TurnOnAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOn() =>
        [Message("power_command_topic", Render("power_command_template", Config.GetString("payload_on", "ON")))];

    /// <summary>The message <see cref="TurnOffAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOff() =>
        [Message("power_command_topic", Render("power_command_template", Config.GetString("payload_off", "OFF")))];
}
