using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>A temperature and humidity sensor whose readings drift slowly around their set points (a mean-reverting random walk).</summary>
public sealed class SimulatedClimateSensor : SimulatedDevice
{
    private const double ReversionPerSecond = 1.0 / 900;

    internal SimulatedClimateSensor(DeviceDefinition definition, TimeProvider timeProvider, Random random)
        : base(definition, timeProvider, random)
    {
        BaseTemperature = definition.Temperature ?? 21;
        BaseHumidity = definition.Humidity ?? 50;
        Temperature = BaseTemperature;
        Humidity = BaseHumidity;
    }

    /// <summary>The temperature it drifts around (°C).</summary>
    public double BaseTemperature { get; }

    /// <summary>The humidity it drifts around (%).</summary>
    public double BaseHumidity { get; }

    /// <summary>Current temperature (°C).</summary>
    public double Temperature { get; private set; }

    /// <summary>Current relative humidity (%).</summary>
    public double Humidity { get; private set; }

    /// <inheritdoc/>
    protected override IEnumerable<EntityDescription> DescribeEntities(DeviceCommandHandler? handler)
    {
        yield return new EntityDescription { Component = HomeAssistantComponents.Sensor, ObjectId = "temperature", Name = "Temperature", DeviceClass = "temperature", UnitOfMeasurement = "°C", StateClass = "measurement" };
        yield return new EntityDescription { Component = HomeAssistantComponents.Sensor, ObjectId = "humidity", Name = "Humidity", DeviceClass = "humidity", UnitOfMeasurement = "%", StateClass = "measurement" };
    }

    /// <inheritdoc/>
    protected override bool ApplyCommand(string objectId, string topicKey, string payload) => false;

    /// <inheritdoc/>
    protected override void Advance(TimeSpan elapsed, DateTimeOffset now)
    {
        var seconds = Math.Min(elapsed.TotalSeconds, 3600);
        var pull = 1 - Math.Exp(-ReversionPerSecond * seconds);
        var spread = Math.Sqrt(seconds);
        Temperature += ((BaseTemperature - Temperature) * pull) + (Gaussian() * 0.01 * spread);
        Humidity = Math.Clamp(Humidity + ((BaseHumidity - Humidity) * pull) + (Gaussian() * 0.03 * spread), 0, 100);
    }

    /// <inheritdoc/>
    protected override string? StateOf(string objectId) => objectId switch
    {
        "temperature" => Format(Temperature, "0.0"),
        "humidity" => Format(Humidity, "0.0"),
        _ => null,
    };

    /// <inheritdoc/>
    protected override string DescribeState() => $"{Format(Temperature, "0.0")} °C, {Format(Humidity, "0")} %";
}
