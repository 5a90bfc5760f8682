using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>A door lock: <c>LOCK</c>/<c>UNLOCK</c> commands, <c>LOCKED</c>/<c>UNLOCKED</c> state.</summary>
public sealed class SimulatedLock : SimulatedDevice
{
    internal SimulatedLock(DeviceDefinition definition, TimeProvider timeProvider, Random random)
        : base(definition, timeProvider, random)
    {
        IsLocked = definition.On ?? true;
    }

    /// <summary>Locked or not.</summary>
    public bool IsLocked { get; private set; }

    /// <inheritdoc/>
    protected override IEnumerable<EntityDescription> DescribeEntities(DeviceCommandHandler? handler)
    {
        yield return new EntityDescription { Component = HomeAssistantComponents.Lock, ObjectId = "lock", Name = null, OnCommand = handler };
    }

    /// <inheritdoc/>
    protected override bool ApplyCommand(string objectId, string topicKey, string payload)
    {
        if (payload is not ("LOCK" or "UNLOCK"))
        {
            return false;
        }

        IsLocked = payload == "LOCK";
        return true;
    }

    /// <inheritdoc/>
    protected override string? StateOf(string objectId) => IsLocked ? "LOCKED" : "UNLOCKED";

    /// <inheritdoc/>
    protected override string DescribeState() => IsLocked ? "locked" : "unlocked";
}
