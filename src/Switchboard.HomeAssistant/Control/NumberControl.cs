namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>number</c>: the value (an int when it is whole, as Home Assistant sends it) on
/// <c>command_topic</c>, through <c>command_template</c>, within <c>min</c>..<c>max</c> (default 1..100).</summary>
public sealed class NumberControl : EntityControl
{
    internal NumberControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Number)
    {
    }

    /// <summary><c>min</c> (default 1).</summary>
    public double Min => Config.GetDouble("min", 1);

    /// <summary><c>max</c> (default 100).</summary>
    public double Max => Config.GetDouble("max", 100);

    /// <summary><c>step</c> (default 1).</summary>
    public double Step => Config.GetDouble("step", 1);

    /// <summary>Sets the value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside <see cref="Min"/>..<see cref="Max"/>.</exception>
    public Task SetValueAsync(double value, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildSetValue(value), cancellationToken);

    /// <summary>The message <see cref="SetValueAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetValue(double value)
    {
        if (!double.IsFinite(value) || value < Min || value > Max)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"number '{Entity.Id}' takes {Min} to {Max}.");
        }

        object number = Math.Floor(value) == value && Math.Abs(value) < long.MaxValue ? (object)(long)value : value;
        return [Message("command_topic", Render("command_template", number))];
    }
}
