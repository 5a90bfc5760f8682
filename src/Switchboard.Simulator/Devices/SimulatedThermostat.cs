using System.Text.Json.Nodes;
using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>
/// A thermostat (climate) with modes off/heat/cool/auto and a target temperature. The room temperature moves toward
/// the target at <see cref="DegreesPerMinute"/> while heating or cooling, and drifts back to the room's own
/// temperature otherwise. State: <c>{"mode":"heat","target_temperature":21.0,"current_temperature":19.6,"action":"heating"}</c>.
/// </summary>
public sealed class SimulatedThermostat : SimulatedDevice
{
    /// <summary>How fast heating or cooling moves the room temperature.</summary>
    public const double DegreesPerMinute = 1.2;

    /// <summary>The modes.</summary>
    public static readonly IReadOnlyList<string> Modes = ["off", "heat", "cool", "auto"];

    private const double MinTemperature = 7;
    private const double MaxTemperature = 30;
    private const double Hysteresis = 0.1;

    internal SimulatedThermostat(DeviceDefinition definition, TimeProvider timeProvider, Random random)
        : base(definition, timeProvider, random)
    {
        RoomTemperature = definition.Temperature ?? 19.5;
        CurrentTemperature = RoomTemperature;
    }

    /// <summary>The temperature the room settles at without heating or cooling (°C).</summary>
    public double RoomTemperature { get; }

    /// <summary>off, heat, cool or auto.</summary>
    public string Mode { get; private set; } = "heat";

    /// <summary>The target (°C).</summary>
    public double TargetTemperature { get; private set; } = 21;

    /// <summary>The room temperature now (°C).</summary>
    public double CurrentTemperature { get; private set; }

    /// <summary>off, heating, cooling or idle.</summary>
    public string Action => Mode == "off" ? "off"
        : (Mode is "heat" or "auto") && CurrentTemperature < TargetTemperature - Hysteresis ? "heating"
        : (Mode is "cool" or "auto") && CurrentTemperature > TargetTemperature + Hysteresis ? "cooling"
        : "idle";

    /// <inheritdoc/>
    protected override IEnumerable<EntityDescription> DescribeEntities(DeviceCommandHandler? handler)
    {
        yield return new EntityDescription
        {
            Component = HomeAssistantComponents.Climate,
            ObjectId = "thermostat",
            Name = null,
            StateTopic = "~/state",
            Config = new JsonObject
            {
                ["modes"] = new JsonArray([.. Modes.Select(m => (JsonNode)JsonValue.Create(m))]),
                ["mode_command_topic"] = "~/mode/set",
                ["mode_state_topic"] = "~/state",
                ["mode_state_template"] = "{{ value_json.mode }}",
                ["temperature_command_topic"] = "~/temperature/set",
                ["temperature_state_topic"] = "~/state",
                ["temperature_state_template"] = "{{ value_json.target_temperature }}",
                ["current_temperature_topic"] = "~/state",
                ["current_temperature_template"] = "{{ value_json.current_temperature }}",
                ["action_topic"] = "~/state",
                ["action_template"] = "{{ value_json.action }}",
                ["min_temp"] = MinTemperature,
                ["max_temp"] = MaxTemperature,
                ["temp_step"] = 0.5,
                ["precision"] = 0.1,
                ["temperature_unit"] = "C",
            },
            OnCommand = handler,
        };
    }

    /// <inheritdoc/>
    protected override bool ApplyCommand(string objectId, string topicKey, string payload)
    {
        switch (topicKey)
        {
            case "mode_command_topic" when Modes.Contains(payload):
                Mode = payload;
                return true;
            case "temperature_command_topic" when ParseNumber(payload) is { } target:
                TargetTemperature = Math.Clamp(Math.Round(target * 2) / 2, MinTemperature, MaxTemperature);
                return true;
            default:
                return false;
        }
    }

    /// <inheritdoc/>
    protected override void Advance(TimeSpan elapsed, DateTimeOffset now)
    {
        var seconds = elapsed.TotalSeconds;
        var step = DegreesPerMinute / 60 * seconds;
        switch (Action)
        {
            case "heating":
                CurrentTemperature = Math.Min(TargetTemperature, CurrentTemperature + step);
                break;
            case "cooling":
                CurrentTemperature = Math.Max(TargetTemperature, CurrentTemperature - step);
                break;
            default:
                // Without heating or cooling the room drifts back to its own temperature (time constant 30 minutes).
                if (Mode == "off" || Math.Abs(CurrentTemperature - TargetTemperature) > Hysteresis)
                {
                    CurrentTemperature += (RoomTemperature - CurrentTemperature) * (1 - Math.Exp(-seconds / 1800));
                }

                break;
        }
    }

    /// <inheritdoc/>
    protected override string? StateOf(string objectId) => new JsonObject
    {
        ["mode"] = Mode,
        ["target_temperature"] = TargetTemperature,
        ["current_temperature"] = Math.Round(CurrentTemperature, 1),
        ["action"] = Action,
    }.ToJsonString();

    /// <inheritdoc/>
    protected override string DescribeState() =>
        $"{Mode}, target {Format(TargetTemperature, "0.0")} °C, now {Format(CurrentTemperature, "0.0")} °C ({Action})";
}
