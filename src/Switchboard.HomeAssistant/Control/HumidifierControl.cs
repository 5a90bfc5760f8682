namespace Switchboard.HomeAssistant;

/// <summary>
/// Controls a <c>humidifier</c> (<c>humidifier.py</c>): <c>payload_on</c>/<c>payload_off</c> (default <c>ON</c>/<c>OFF</c>)
/// on <c>command_topic</c> through <c>command_template</c>; the target humidity (within <c>min_humidity</c>..<c>max_humidity</c>,
/// default 0–100; an int when whole) on <c>target_humidity_command_topic</c> through
/// <c>target_humidity_command_template</c>; the mode (one of <c>modes</c>) on <c>mode_command_topic</c> through
/// <c>mode_command_template</c>.
/// </summary>
public sealed class HumidifierControl : EntityControl
{
    internal HumidifierControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Humidifier)
    {
    }

    /// <summary>Turns it on.</summary>
    public Task TurnOnAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildTurnOn(), cancellationToken);

    /// <summary>Turns it off.</summary>
    public Task TurnOffAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildTurnOff(), cancellationToken);

    /// <summary>Sets the target humidity in percent.</summary>
    public Task SetHumidityAsync(double humidity, CancellationToken cancellationToken = default) => PublishAsync(BuildSetHumidity(humidity), cancellationToken);

    /// <summary>Sets the mode.</summary>
    public Task SetModeAsync(string mode, CancellationToken cancellationToken = default) => PublishAsync(BuildSetMode(mode), cancellationToken);

    /// <summary>The message <see cref="TurnOnAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOn() => [Message("command_topic", Render("command_template", Config.GetString("payload_on", "ON")))];

    /// <summary>The message <see cref="TurnOffAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOff() => [Message("command_topic", Render("command_template", Config.GetString("payload_off", "OFF")))];

    /// <summary>The message <see cref="SetHumidityAsync"/> publishes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside <c>min_humidity</c>..<c>max_humidity</c>.</exception>
    public IReadOnlyList<CommandMessage> BuildSetHumidity(double humidity)
    {
        var min = Config.GetDouble("min_humidity", 0);
        var max = Config.GetDouble("max_humidity", 100);
        if (!double.IsFinite(humidity) || humidity < min || humidity > max)
        {
            throw new ArgumentOutOfRangeException(nameof(humidity), humidity, $"humidifier '{Entity.Id}' takes a humidity from {min} to {max}.");
        }

        object value = Math.Floor(humidity) == humidity ? (object)(long)humidity : humidity;
        return [Message("target_humidity_command_topic", Render("target_humidity_command_template", value))];
    }

    /// <summary>The message <see cref="SetModeAsync"/> publishes.</summary>
    /// <exception cref="ArgumentException">Not one of <c>modes</c>.</exception>
    public IReadOnlyList<CommandMessage> BuildSetMode(string mode)
    {
        RequireTopic("mode_command_topic");
        RequireIn(mode, "modes", [], "mode");
        return [Message("mode_command_topic", Render("mode_command_template", mode))];
    }
}
