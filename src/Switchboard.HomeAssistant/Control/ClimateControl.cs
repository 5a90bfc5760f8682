namespace Switchboard.HomeAssistant;

/// <summary>
/// Controls a <c>climate</c> entity: the hvac mode on <c>mode_command_topic</c>, the target temperature on
/// <c>temperature_command_topic</c> (or a range on <c>temperature_low/high_command_topic</c>), fan, swing and preset modes
/// and target humidity on their command topics, each through its command template; power on <c>power_command_topic</c>
/// with <c>payload_on</c>/<c>payload_off</c>. Temperatures are sent as Home Assistant sends floats (<c>21.0</c>).
/// </summary>
public sealed class ClimateControl : EntityControl
{
    private static readonly string[] DefaultModes = ["auto", "off", "cool", "heat", "dry", "fan_only"];
    private static readonly string[] DefaultFanModes = ["auto", "low", "medium", "high"];
    private static readonly string[] DefaultSwingModes = ["on", "off"];

    internal ClimateControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Climate)
    {
    }

    /// <summary>Sets the hvac mode (one of <c>modes</c>).</summary>
    public Task SetHvacModeAsync(string mode, CancellationToken cancellationToken = default) => PublishAsync(BuildSetHvacMode(mode), cancellationToken);

    /// <summary>Sets the target temperature, and first the hvac mode when given (as <c>climate.set_temperature</c> does).</summary>
    public Task SetTemperatureAsync(double temperature, string? hvacMode = null, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildSetTemperature(temperature, hvacMode), cancellationToken);

    /// <summary>Sets a target temperature range.</summary>
    public Task SetTemperatureRangeAsync(double low, double high, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildSetTemperatureRange(low, high), cancellationToken);

    /// <summary>Sets the fan mode (one of <c>fan_modes</c>).</summary>
    public Task SetFanModeAsync(string fanMode, CancellationToken cancellationToken = default) => PublishAsync(BuildSetFanMode(fanMode), cancellationToken);

    /// <summary>Sets the swing mode (one of <c>swing_modes</c>).</summary>
    public Task SetSwingModeAsync(string swingMode, CancellationToken cancellationToken = default) => PublishAsync(BuildSetSwingMode(swingMode), cancellationToken);

    /// <summary>Sets the preset mode (one of <c>preset_modes</c>).</summary>
    public Task SetPresetModeAsync(string presetMode, CancellationToken cancellationToken = default) => PublishAsync(BuildSetPresetMode(presetMode), cancellationToken);

    /// <summary>Sets the target humidity.</summary>
    public Task SetHumidityAsync(double humidity, CancellationToken cancellationToken = default) => PublishAsync(BuildSetHumidity(humidity), cancellationToken);

    /// <summary>Turns it on (<c>power_command_topic</c>).</summary>
    public Task TurnOnAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildTurnOn(), cancellationToken);

    /// <summary>Turns it off: <c>power_command_topic</c> when configured, else hvac mode <c>off</c>.</summary>
    public Task TurnOffAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildTurnOff(), cancellationToken);

    /// <summary>The message <see cref="SetHvacModeAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetHvacMode(string mode)
    {
        RequireTopic("mode_command_topic");
        RequireIn(mode, "modes", DefaultModes, "hvac mode");
        return [Message("mode_command_topic", Render("mode_command_template", mode))];
    }

    /// <summary>The messages <see cref="SetTemperatureAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetTemperature(double temperature, string? hvacMode = null)
    {
        CheckRange(temperature);
        var messages = new List<CommandMessage>();
        if (hvacMode is not null)
        {
            messages.AddRange(BuildSetHvacMode(hvacMode));
        }

        messages.Add(Message("temperature_command_topic", Render("temperature_command_template", temperature)));
        return messages;
    }

    /// <summary>The messages <see cref="SetTemperatureRangeAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetTemperatureRange(double low, double high)
    {
        CheckRange(low);
        CheckRange(high);
        return
        [
            Message("temperature_low_command_topic", Render("temperature_low_command_template", low)),
            Message("temperature_high_command_topic", Render("temperature_high_command_template", high)),
        ];
    }

    /// <summary>The message <see cref="SetFanModeAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetFanMode(string fanMode)
    {
        RequireTopic("fan_mode_command_topic");
        RequireIn(fanMode, "fan_modes", DefaultFanModes, "fan mode");
        return [Message("fan_mode_command_topic", Render("fan_mode_command_template", fanMode))];
    }

    /// <summary>The message <see cref="SetSwingModeAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetSwingMode(string swingMode)
    {
        RequireTopic("swing_mode_command_topic");
        RequireIn(swingMode, "swing_modes", DefaultSwingModes, "swing mode");
        return [Message("swing_mode_command_topic", Render("swing_mode_command_template", swingMode))];
    }

    /// <summary>The message <see cref="SetPresetModeAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetPresetMode(string presetMode)
    {
        RequireTopic("preset_mode_command_topic");
        RequireIn(presetMode, "preset_modes", ["none"], "preset mode");
        return [Message("preset_mode_command_topic", Render("preset_mode_command_template", presetMode))];
    }

    /// <summary>The message <see cref="SetHumidityAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetHumidity(double humidity)
    {
        if (humidity < Config.GetDouble("min_humidity", 30) || humidity > Config.GetDouble("max_humidity", 99))
        {
            throw new ArgumentOutOfRangeException(nameof(humidity), humidity, $"climate '{Entity.Id}' takes a humidity from {Config.GetDouble("min_humidity", 30)} to {Config.GetDouble("max_humidity", 99)}.");
        }

        return [Message("target_humidity_command_topic", Render("target_humidity_command_template", humidity))];
    }

    /// <summary>The message <see cref="TurnOnAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOn() =>
        [Message("power_command_topic", Render("power_command_template", Config.GetString("payload_on", "ON")))];

    /// <summary>The message <see cref="TurnOffAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOff() =>
        HasTopic("power_command_topic")
            ? [Message("power_command_topic", Render("power_command_template", Config.GetString("payload_off", "OFF")))]
            : BuildSetHvacMode("off");

    private void CheckRange(double temperature)
    {
        if (!double.IsFinite(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "A temperature must be a finite number.");
        }

        var min = Config.GetDouble("min_temp");
        var max = Config.GetDouble("max_temp");
        if (temperature < min || temperature > max)
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, $"climate '{Entity.Id}' takes {min} to {max}.");
        }
    }
}
