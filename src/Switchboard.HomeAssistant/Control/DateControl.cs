using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>date</c> (<c>date.py</c>): the date as Python's <c>isoformat()</c> (<c>2024-05-01</c>) on
/// <c>command_topic</c>, through <c>command_template</c>.</summary>
public sealed class DateControl : EntityControl
{
    internal DateControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Date)
    {
    }

    /// <summary>Sets the date.</summary>
    public Task SetValueAsync(DateOnly value, CancellationToken cancellationToken = default) => PublishAsync(BuildSetValue(value), cancellationToken);

    /// <summary>The message <see cref="SetValueAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetValue(DateOnly value) =>
        [Message("command_topic", Render("command_template", DateTimeStateReducer.IsoDate(value)))];
}
