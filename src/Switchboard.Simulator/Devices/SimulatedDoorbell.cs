using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>A doorbell: a button (<c>PRESS</c>) and a sensor counting the rings.</summary>
public sealed class SimulatedDoorbell : SimulatedDevice
{
    internal SimulatedDoorbell(DeviceDefinition definition, TimeProvider timeProvider, Random random)
        : base(definition, timeProvider, random)
    {
    }

    /// <summary>Rings since the start.</summary>
    public long Rings { get; private set; }

    /// <inheritdoc/>
    protected override IEnumerable<EntityDescription> DescribeEntities(DeviceCommandHandler? handler)
    {
        yield return new EntityDescription { Component = HomeAssistantComponents.Button, ObjectId = "button", Name = null, OnCommand = handler };
        yield return new EntityDescription { Component = HomeAssistantComponents.Sensor, ObjectId = "rings", Name = "Rings", StateClass = "total_increasing", Icon = "mdi:bell-ring" };
    }

    /// <inheritdoc/>
    protected override bool ApplyCommand(string objectId, string topicKey, string payload)
    {
        if (objectId != "button" || payload != "PRESS")
        {
            return false;
        }

        Rings++;
        return true;
    }

    /// <inheritdoc/>
    protected override string? StateOf(string objectId) => objectId == "rings" ? Rings.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <inheritdoc/>
    protected override string DescribeState() => $"{Rings} ring(s)";
}
