using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>
/// A smart plug: a switch (<c>relay</c>), a power sensor (0 W when off; the appliance's nominal draw with a few percent
/// of noise when on) and an energy counter (kWh, total increasing).
/// </summary>
public sealed class SimulatedPlug : SimulatedDevice
{
    private double _wander;

    internal SimulatedPlug(DeviceDefinition definition, TimeProvider timeProvider, Random random)
        : base(definition, timeProvider, random)
    {
        IsOn = definition.On ?? false;
        NominalWatts = definition.Watts ?? 60;
        Power = IsOn ? Sample() : 0;
    }

    /// <summary>On or off.</summary>
    public bool IsOn { get; private set; }

    /// <summary>The appliance's nominal draw (W).</summary>
    public double NominalWatts { get; }

    /// <summary>Current power (W).</summary>
    public double Power { get; private set; }

    /// <summary>Energy used since the start (kWh).</summary>
    public double EnergyKwh { get; private set; }

    /// <inheritdoc/>
    protected override IEnumerable<EntityDescription> DescribeEntities(DeviceCommandHandler? handler)
    {
        yield return new EntityDescription { Component = HomeAssistantComponents.Switch, ObjectId = "relay", Name = null, DeviceClass = "outlet", OnCommand = handler };
        yield return new EntityDescription { Component = HomeAssistantComponents.Sensor, ObjectId = "power", Name = "Power", DeviceClass = "power", UnitOfMeasurement = "W", StateClass = "measurement" };
        yield return new EntityDescription { Component = HomeAssistantComponents.Sensor, ObjectId = "energy", Name = "Energy", DeviceClass = "energy", UnitOfMeasurement = "kWh", StateClass = "total_increasing" };
    }

    /// <inheritdoc/>
    protected override bool ApplyCommand(string objectId, string topicKey, string payload)
    {
        if (objectId != "relay" || payload is not ("ON" or "OFF"))
        {
            return false;
        }

        IsOn = payload == "ON";
        Power = IsOn ? Sample() : 0;
        return true;
    }

    /// <inheritdoc/>
    protected override void Advance(TimeSpan elapsed, DateTimeOffset now)
    {
        EnergyKwh += Power * elapsed.TotalHours / 1000.0;
        Power = IsOn ? Sample() : 0;
    }

    /// <inheritdoc/>
    protected override string? StateOf(string objectId) => objectId switch
    {
        "relay" => IsOn ? "ON" : "OFF",
        "power" => Format(Power, "0.0"),
        "energy" => Format(EnergyKwh, "0.000"),
        _ => null,
    };

    /// <inheritdoc/>
    protected override string DescribeState() => $"{(IsOn ? "on" : "off")}, {Format(Power, "0.0")} W";

    // A slow wander (±5 %) plus fast noise (±2 %), never below a tenth of the nominal draw.
    private double Sample()
    {
        _wander = Math.Clamp((_wander * 0.9) + (Gaussian() * 0.01), -0.05, 0.05);
        return Math.Max(NominalWatts * 0.1, NominalWatts * (1 + _wander + (Gaussian() * 0.02)));
    }
}
