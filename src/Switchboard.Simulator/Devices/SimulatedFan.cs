using System.Text.Json.Nodes;
using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>
/// A fan with on/off, a speed percentage, preset modes and oscillation, each on its own command topic; state is one
/// JSON object: <c>{"state":"ON","percentage":50,"preset_mode":"sleep","oscillation":"oscillate_on"}</c>.
/// </summary>
public sealed class SimulatedFan : SimulatedDevice
{
    private int _lastPercentage = 33;

    internal SimulatedFan(DeviceDefinition definition, TimeProvider timeProvider, Random random)
        : base(definition, timeProvider, random)
    {
        IsOn = definition.On ?? false;
        PresetModes = definition.Presets is { Count: > 0 } presets ? [.. presets] : ["auto", "sleep"];
    }

    /// <summary>On or off.</summary>
    public bool IsOn { get; private set; }

    /// <summary>Speed 0–100 (0 while off).</summary>
    public int Percentage => IsOn ? _lastPercentage : 0;

    /// <summary>The preset mode, or null.</summary>
    public string? PresetMode { get; private set; }

    /// <summary>The preset modes it accepts.</summary>
    public IReadOnlyList<string> PresetModes { get; }

    /// <summary>Oscillating.</summary>
    public bool Oscillating { get; private set; }

    /// <inheritdoc/>
    protected override IEnumerable<EntityDescription> DescribeEntities(DeviceCommandHandler? handler)
    {
        yield return new EntityDescription
        {
            Component = HomeAssistantComponents.Fan,
            ObjectId = "fan",
            Name = null,
            Config = new JsonObject
            {
                ["state_value_template"] = "{{ value_json.state }}",
                ["percentage_command_topic"] = "~/percentage/set",
                ["percentage_state_topic"] = "~/state",
                ["percentage_value_template"] = "{{ value_json.percentage }}",
                ["preset_mode_command_topic"] = "~/preset/set",
                ["preset_mode_state_topic"] = "~/state",
                ["preset_mode_value_template"] = "{{ value_json.preset_mode }}",
                ["preset_modes"] = new JsonArray([.. PresetModes.Select(p => (JsonNode)JsonValue.Create(p))]),
                ["oscillation_command_topic"] = "~/oscillation/set",
                ["oscillation_state_topic"] = "~/state",
                ["oscillation_value_template"] = "{{ value_json.oscillation }}",
            },
            OnCommand = handler,
        };
    }

    /// <inheritdoc/>
    protected override bool ApplyCommand(string objectId, string topicKey, string payload)
    {
        switch (topicKey)
        {
            case "command_topic" when payload is "ON" or "OFF":
                IsOn = payload == "ON";
                return true;
            case "percentage_command_topic" when ParseNumber(payload) is { } percentage:
                var value = (int)Math.Clamp(Math.Round(percentage), 0, 100);
                IsOn = value > 0;
                if (value > 0)
                {
                    _lastPercentage = value;
                }

                return true;
            case "preset_mode_command_topic" when PresetModes.Contains(payload):
                PresetMode = payload;
                IsOn = true;
                return true;
            case "oscillation_command_topic" when payload is "oscillate_on" or "oscillate_off":
                Oscillating = payload == "oscillate_on";
                return true;
            default:
                return false;
        }
    }

    /// <inheritdoc/>
    protected override string? StateOf(string objectId) => new JsonObject
    {
        ["state"] = IsOn ? "ON" : "OFF",
        ["percentage"] = Percentage,
        ["preset_mode"] = PresetMode ?? "None",
        ["oscillation"] = Oscillating ? "oscillate_on" : "oscillate_off",
    }.ToJsonString();

    /// <inheritdoc/>
    protected override string DescribeState() => !IsOn ? "off"
        : $"on, {Percentage} %{(PresetMode is null ? string.Empty : ", " + PresetMode)}{(Oscillating ? ", oscillating" : string.Empty)}";
}
