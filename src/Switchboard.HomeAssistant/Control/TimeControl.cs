using Switchboard.HomeAssistant.State;

namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>time</c> (<c>time.py</c>): the time as Python's <c>isoformat()</c> (<c>07:30:00</c>) on
/// <c>command_topic</c>, through <c>command_template</c>.</summary>
public sealed class TimeControl : EntityControl
{
    internal TimeControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Time)
    {
    }

    /// <summary>Sets the time.</summary>
    public Task SetValueAsync(TimeOnly value, CancellationToken cancellationToken = default) => PublishAsync(BuildSetValue(value), cancellationToken);

    /// <summary>The message <see cref="SetValueAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSetValue(TimeOnly value) =>
        [Message("command_topic", Render("command_template", DateTimeStateReducer.IsoTime(value)))];
}
