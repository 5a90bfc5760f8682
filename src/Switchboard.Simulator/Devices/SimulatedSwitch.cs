using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>An on/off switch: <c>ON</c>/<c>OFF</c> commands and state.</summary>
public sealed class SimulatedSwitch : SimulatedDevice
{
    internal SimulatedSwitch(DeviceDefinition definition, TimeProvider timeProvider, Random random)
        : base(definition, timeProvider, random)
    {
        IsOn = definition.On ?? false;
    }

    /// <summary>On or off.</summary>
    public bool IsOn { get; private set; }

    /// <inheritdoc/>
    protected override IEnumerable<EntityDescription> DescribeEntities(DeviceCommandHandler? handler)
    {
        yield return new EntityDescription { Component = HomeAssistantComponents.Switch, ObjectId = "switch", Name = null, OnCommand = handler };
    }

    /// <inheritdoc/>
    protected override bool ApplyCommand(string objectId, string topicKey, string payload)
    {
        if (payload is not ("ON" or "OFF"))
        {
            return false;
        }

        IsOn = payload == "ON";
        return true;
    }

    /// <inheritdoc/>
    protected override string? StateOf(string objectId) => IsOn ? "ON" : "OFF";

    /// <inheritdoc/>
    protected override string DescribeState() => IsOn ? "on" : "off";
}
