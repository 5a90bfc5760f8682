using System.Text.Json.Nodes;

namespace Switchboard.HomeAssistant;

/// <summary>
/// Controls a <c>vacuum</c> (<c>vacuum.py</c>): <c>payload_start</c>, <c>payload_pause</c>, <c>payload_stop</c>,
/// <c>payload_return_to_base</c>, <c>payload_clean_spot</c>, <c>payload_locate</c> (by default the action's name) on
/// <c>command_topic</c>; a fan speed (one of <c>fan_speed_list</c>) on <c>set_fan_speed_topic</c>; a raw command on
/// <c>send_command_topic</c>, as is or, with parameters, as <c>{"command": …, …parameters}</c>. Each action needs its
/// feature in <c>supported_features</c> (default start, stop, return_home, status, battery, clean_spot). The platform
/// has no command templates.
/// </summary>
public sealed class VacuumControl : EntityControl
{
    private static readonly string[] DefaultFeatures = ["start", "stop", "return_home", "status", "battery", "clean_spot"];

    internal VacuumControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Vacuum)
    {
    }

    /// <summary>The features it supports (<c>supported_features</c>).</summary>
    public IReadOnlyList<string> SupportedFeatures => Config.GetStringList("supported_features") ?? DefaultFeatures;

    /// <summary>The fan speeds it offers (<c>fan_speed_list</c>).</summary>
    public IReadOnlyList<string> FanSpeeds => Config.GetStringList("fan_speed_list") ?? [];

    /// <summary>Starts cleaning.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildStart(), cancellationToken);

    /// <summary>Pauses.</summary>
    public Task PauseAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildPause(), cancellationToken);

    /// <summary>Stops.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildStop(), cancellationToken);

    /// <summary>Returns to its dock.</summary>
    public Task ReturnToBaseAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildReturnToBase(), cancellationToken);

    /// <summary>Cleans a spot.</summary>
    public Task CleanSpotAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildCleanSpot(), cancellationToken);

    /// <summary>Makes it beep so it can be found.</summary>
    public Task LocateAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildLocate(), cancellationToken);

    /// <summary>Sets the fan speed.</summary>
    public Task SetFanSpeedAsync(string fanSpeed, CancellationToken cancellationToken = default) => PublishAsync(BuildSetFanSpeed(fanSpeed), cancellationToken);

    /// <summary>Sends a raw command, with optional parameters.</summary>
    public Task SendCommandAsync(string command, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildSendCommand(command, parameters), cancellationToken);

    /// <summary>The message <see cref="StartAsync"/> publishes.</summary>
    /// <exception cref="NotSupportedException">The feature is not in <see cref="SupportedFeatures"/>.</exception>
    public IReadOnlyList<CommandMessage> BuildStart() => Action("start", "payload_start", "start");

    /// <summary>The message <see cref="PauseAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildPause() => Action("pause", "payload_pause", "pause");

    /// <summary>The message <see cref="StopAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildStop() => Action("stop", "payload_stop", "stop");

    /// <summary>The message <see cref="ReturnToBaseAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildReturnToBase() => Action("return_home", "payload_return_to_base", "return_to_base");

    /// <summary>The message <see cref="CleanSpotAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildCleanSpot() => Action("clean_spot", "payload_clean_spot", "clean_spot");

    /// <summary>The message <see cref="LocateAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildLocate() => Action("locate", "payload_locate", "locate");

    /// <summary>The message <see cref="SetFanSpeedAsync"/> publishes.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="FanSpeeds"/>.</exception>
    public IReadOnlyList<CommandMessage> BuildSetFanSpeed(string fanSpeed)
    {
        RequireFeature("fan_speed");
        RequireIn(fanSpeed, "fan_speed_list", [], "fan speed");
        return [Message("set_fan_speed_topic", fanSpeed)];
    }

    /// <summary>The message <see cref="SendCommandAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSendCommand(string command, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireFeature("send_command");
        if (parameters is null || parameters.Count == 0)
        {
            return [Message("send_command_topic", command)];
        }

        var payload = new JsonObject { ["command"] = command };
        foreach (var (key, value) in parameters)
        {
            payload[key] = value switch
            {
                null => null,
                JsonNode node => node.DeepClone(),
                string text => JsonValue.Create(text),
                bool flag => JsonValue.Create(flag),
                int or long or short or byte => JsonValue.Create(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
                double or float or decimal => JsonValue.Create(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
                _ => throw new ArgumentException($"parameter '{key}' must be a string, number, boolean or JsonNode, not {value.GetType().Name}.", nameof(parameters)),
            };
        }

        return [Message("send_command_topic", payload.ToJsonString())];
    }

    private CommandMessage[] Action(string feature, string payloadKey, string fallback)
    {
        RequireFeature(feature);
        return [Message("command_topic", Config.GetString(payloadKey, fallback))];
    }

    private void RequireFeature(string feature)
    {
        if (!SupportedFeatures.Contains(feature))
        {
            throw new NotSupportedException($"vacuum '{Entity.Id}' does not support {feature}; it supports: {string.Join(", ", SupportedFeatures)}.");
        }
    }
}
