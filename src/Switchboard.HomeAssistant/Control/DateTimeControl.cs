using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>datetime</c> (<c>datetime.py</c>): the date and time as Python's <c>isoformat()</c>
/// (<c>2024-05-01T07:30:00+00:00</c>) on <c>command_topic</c>, through <c>command_template</c>.</summary>
public sealed class DateTimeControl : EntityControl
{
    internal DateTimeControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.DateTime)
    {
    }

    /// <summary>Sets the date and time.</summary>
    public Task SetValueAsync(DateTimeOffset value, CancellationToken cancellationToken = default) => PublishAsync(BuildSetValue(value), cancellationToken);

    /// <summary>The message <see cref="SetValueAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetValue(DateTimeOffset value) =>
        [Message("command_topic", Render("command_template", DateTimeStateReducer.IsoDateTime(value)))];
}
