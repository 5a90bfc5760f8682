using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>
/// A motion sensor (binary_sensor, device class motion). Motion events arrive at random (a Poisson process with mean
/// interval <see cref="DeviceDefinition.MotionInterval"/>, 60 s by default); each keeps the sensor <c>ON</c> for
/// <see cref="HoldTime"/>.
/// </summary>
public sealed class SimulatedMotionSensor : SimulatedDevice
{
    /// <summary>How long one event keeps the sensor on.</summary>
    public static readonly TimeSpan HoldTime = TimeSpan.FromSeconds(10);

    private DateTimeOffset _until;

    internal SimulatedMotionSensor(DeviceDefinition definition, TimeProvider timeProvider, Random random)
        : base(definition, timeProvider, random)
    {
        MeanInterval = TimeSpan.FromSeconds(definition.MotionInterval ?? 60);
    }

    /// <summary>The mean time between events.</summary>
    public TimeSpan MeanInterval { get; }

    /// <summary>Motion detected now.</summary>
    public bool Motion { get; private set; }

    /// <summary>Events since the start.</summary>
    public long Events { get; private set; }

    /// <summary>Triggers an event now (as if someone walked by).</summary>
    public void Trigger()
    {
        HandleCommand("motion", "trigger", "ON");
    }

    /// <inheritdoc/>
    protected override IEnumerable<EntityDescription> DescribeEntities(DeviceCommandHandler? handler)
    {
        yield return new EntityDescription { Component = HomeAssistantComponents.BinarySensor, ObjectId = "motion", Name = null, DeviceClass = "motion" };
    }

    /// <inheritdoc/>
    protected override bool ApplyCommand(string objectId, string topicKey, string payload)
    {
        if (topicKey != "trigger")
        {
            return false;
        }

        Detect(Time.GetUtcNow());
        return true;
    }

    /// <inheritdoc/>
    protected override void Advance(TimeSpan elapsed, DateTimeOffset now)
    {
        // Long gaps are walked in steps of at most a second so events inside them are not lost.
        var remaining = elapsed;
        var at = now - elapsed;
        while (remaining > TimeSpan.Zero)
        {
            var step = remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1);
            at += step;
            remaining -= step;
            if (Motion && at >= _until)
            {
                Motion = false;
            }

            if (Random.NextDouble() < 1 - Math.Exp(-step.TotalSeconds / MeanInterval.TotalSeconds))
            {
                Detect(at);
            }
        }
    }

    /// <inheritdoc/>
    protected override string? StateOf(string objectId) => Motion ? "ON" : "OFF";

    /// <inheritdoc/>
    protected override string DescribeState() => $"{(Motion ? "motion" : "clear")}, {Events} event(s)";

    private void Detect(DateTimeOffset at)
    {
        Motion = true;
        Events++;
        _until = at + HoldTime;
    }
}
