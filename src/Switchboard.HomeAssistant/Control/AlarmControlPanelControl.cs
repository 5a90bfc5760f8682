using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.HomeAssistant;

/// <summary>
/// Controls an <c>alarm_control_panel</c> (<c>alarm_control_panel.py</c>): each action publishes its payload
/// (<c>payload_disarm</c> <c>DISARM</c>, <c>payload_arm_home</c> <c>ARM_HOME</c>, <c>payload_arm_away</c>
/// <c>ARM_AWAY</c>, <c>payload_arm_night</c> <c>ARM_NIGHT</c>, <c>payload_arm_vacation</c> <c>ARM_VACATION</c>,
/// <c>payload_arm_custom_bypass</c> <c>ARM_CUSTOM_BYPASS</c>, <c>payload_trigger</c> <c>TRIGGER</c>) on
/// <c>command_topic</c>, through <c>command_template</c> (default <c>{{action}}</c>) with the variables <c>action</c>
/// and <c>code</c>. Arm modes and trigger must be in <c>supported_features</c> (all by default). When the config has a
/// <c>code</c> and the action requires one (<c>code_arm_required</c>, <c>code_disarm_required</c>,
/// <c>code_trigger_required</c>, all true by default), the code given must equal it — or, with <c>REMOTE_CODE</c> or
/// <c>REMOTE_CODE_TEXT</c>, be any non-empty code, which the device checks.
/// </summary>
public sealed class AlarmControlPanelControl : EntityControl
{
    internal AlarmControlPanelControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.AlarmControlPanel)
    {
    }

    /// <summary>The arm modes and <c>trigger</c> it supports (<c>supported_features</c>; all six by default).</summary>
    public IReadOnlyList<string> SupportedFeatures => Config.GetStringList("supported_features") ?? ConfigValidator.AlarmFeatures;

    /// <summary>Home Assistant's <c>code_format</c>: <c>number</c> for a numeric code or <c>REMOTE_CODE</c>, <c>text</c> for
    /// another code, null without a code.</summary>
    public string? CodeFormat => Config.GetString("code") switch
    {
        null => null,
        "REMOTE_CODE" => "number",
        "REMOTE_CODE_TEXT" => "text",
        var code => code.Length > 0 && code.All(char.IsAsciiDigit) ? "number" : "text",
    };

    /// <summary>Disarms it.</summary>
    public Task DisarmAsync(string? code = null, CancellationToken cancellationToken = default) => PublishAsync(BuildDisarm(code), cancellationToken);

    /// <summary>Arms it in home mode.</summary>
    public Task ArmHomeAsync(string? code = null, CancellationToken cancellationToken = default) => PublishAsync(BuildArmHome(code), cancellationToken);

    /// <summary>Arms it in away mode.</summary>
    public Task ArmAwayAsync(string? code = null, CancellationToken cancellationToken = default) => PublishAsync(BuildArmAway(code), cancellationToken);

    /// <summary>Arms it in night mode.</summary>
    public Task ArmNightAsync(string? code = null, CancellationToken cancellationToken = default) => PublishAsync(BuildArmNight(code), cancellationToken);

    /// <summary>Arms it in vacation mode.</summary>
    public Task ArmVacationAsync(string? code = null, CancellationToken cancellationToken = default) => PublishAsync(BuildArmVacation(code), cancellationToken);

    /// <summary>Arms it with a custom bypass.</summary>
    public Task ArmCustomBypassAsync(string? code = null, CancellationToken cancellationToken = default) => PublishAsync(BuildArmCustomBypass(code), cancellationToken);

    /// <summary>Triggers the alarm.</summary>
    public Task TriggerAsync(string? code = null, CancellationToken cancellationToken = default) => PublishAsync(BuildTrigger(code), cancellationToken);

    /// <summary>The message <see cref="DisarmAsync"/> publishes.</summary>
    /// <exception cref="ArgumentException">A code is required and <paramref name="code"/> is not it.</exception>
    public IReadOnlyList<CommandMessage> BuildDisarm(string? code = null) => Build(null, "code_disarm_required", "payload_disarm", "DISARM", code);

    /// <summary>The message <see cref="ArmHomeAsync"/> publishes.</summary>
    /// <exception cref="NotSupportedException"><c>arm_home</c> is not in <see cref="SupportedFeatures"/>.</exception>
    public IReadOnlyList<CommandMessage> BuildArmHome(string? code = null) => Build("arm_home", "code_arm_required", "payload_arm_home", "ARM_HOME", code);

    /// <summary>The message <see cref="ArmAwayAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildArmAway(string? code = null) => Build("arm_away", "code_arm_required", "payload_arm_away", "ARM_AWAY", code);

    /// <summary>The message <see cref="ArmNightAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildArmNight(string? code = null) => Build("arm_night", "code_arm_required", "payload_arm_night", "ARM_NIGHT", code);

    /// <summary>The message <see cref="ArmVacationAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildArmVacation(string? code = null) => Build("arm_vacation", "code_arm_required", "payload_arm_vacation", "ARM_VACATION", code);

    /// <summary>The message <see cref="ArmCustomBypassAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildArmCustomBypass(string? code = null) => Build("arm_custom_bypass", "code_arm_required", "payload_arm_custom_bypass", "ARM_CUSTOM_BYPASS", code);

    /// <summary>The message <see cref="TriggerAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTrigger(string? code = null) => Build("trigger", "code_trigger_required", "payload_trigger", "TRIGGER", code);

    private CommandMessage[] Build(string? feature, string requiredKey, string payloadKey, string payloadDefault, string? code)
    {
        if (feature is not null && !SupportedFeatures.Contains(feature))
        {
            throw new NotSupportedException($"alarm_control_panel '{Entity.Id}' does not support {feature}; it supports: {string.Join(", ", SupportedFeatures)}.");
        }

        if (Config.GetBool(requiredKey, true) && Config.GetString("code") is { } expected)
        {
            var remote = expected is "REMOTE_CODE" or "REMOTE_CODE_TEXT";
            if (remote ? string.IsNullOrEmpty(code) : code != expected)
            {
                throw new ArgumentException($"alarm_control_panel '{Entity.Id}' needs {(remote ? "a code" : "its code")} for this action ({requiredKey}).", nameof(code));
            }
        }

        var action = Config.GetString(payloadKey, payloadDefault);
        var payload = Entity.Definition.GetTemplate("command_template") is null
            ? action
            : Render("command_template", null, new Dictionary<string, object?> { ["action"] = action, ["code"] = code });
        return [Message("command_topic", payload)];
    }
}
