using System.Text.Json.Nodes;
using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>
/// A cover (garage door, blind) that travels at a steady speed: <c>OPEN</c>/<c>CLOSE</c>/<c>STOP</c> on
/// <c>command_topic</c>, 0–100 on <c>set_position_topic</c>. State: <c>{"state":"opening","position":40}</c>.
/// </summary>
public sealed class SimulatedCover : SimulatedDevice
{
    internal SimulatedCover(DeviceDefinition definition, TimeProvider timeProvider, Random random)
        : base(definition, timeProvider, random)
    {
        TravelTime = TimeSpan.FromSeconds(definition.TravelSeconds ?? 10);
    }

    /// <summary>Time for a full open or close.</summary>
    public TimeSpan TravelTime { get; }

    /// <summary>Exact position, 0 (closed) to 100 (open).</summary>
    public double ExactPosition { get; private set; }

    /// <summary>Position, 0 (closed) to 100 (open), rounded.</summary>
    public int Position => (int)Math.Round(ExactPosition);

    /// <summary>Where it is going; null when still.</summary>
    public double? Target { get; private set; }

    /// <summary>open, opening, closed or closing.</summary>
    public string State => Target is { } target && target > ExactPosition ? "opening"
        : Target is { } down && down < ExactPosition ? "closing"
        : Position == 0 ? "closed" : "open";

    /// <inheritdoc/>
    protected override IEnumerable<EntityDescription> DescribeEntities(DeviceCommandHandler? handler)
    {
        yield return new EntityDescription
        {
            Component = HomeAssistantComponents.Cover,
            ObjectId = "cover",
            Name = null,
            DeviceClass = Definition.Id.Contains("garage", StringComparison.OrdinalIgnoreCase) ? "garage" : null,
            Config = new JsonObject
            {
                ["value_template"] = "{{ value_json.state }}",
                ["position_topic"] = "~/state",
                ["position_template"] = "{{ value_json.position }}",
                ["set_position_topic"] = "~/position/set",
            },
            OnCommand = handler,
        };
    }

    /// <inheritdoc/>
    protected override bool ApplyCommand(string objectId, string topicKey, string payload)
    {
        switch (topicKey, payload)
        {
            case ("command_topic", "OPEN"):
                Target = 100;
                return true;
            case ("command_topic", "CLOSE"):
                Target = 0;
                return true;
            case ("command_topic", "STOP"):
                Target = null;
                return true;
            case ("set_position_topic", _) when ParseNumber(payload) is { } position:
                Target = Math.Clamp(position, 0, 100);
                return true;
            default:
                return false;
        }
    }

    /// <inheritdoc/>
    protected override void Advance(TimeSpan elapsed, DateTimeOffset now)
    {
        if (Target is not { } target)
        {
            return;
        }

        var step = 100 * elapsed.TotalSeconds / TravelTime.TotalSeconds;
        ExactPosition = target > ExactPosition ? Math.Min(target, ExactPosition + step) : Math.Max(target, ExactPosition - step);
        if (Math.Abs(ExactPosition - target) < 1e-9)
        {
            ExactPosition = target;
            Target = null;
        }
    }

    /// <inheritdoc/>
    protected override string? StateOf(string objectId) => new JsonObject { ["state"] = State, ["position"] = Position }.ToJsonString();

    /// <inheritdoc/>
    protected override string DescribeState() => $"{State}, {Position} %";
}
