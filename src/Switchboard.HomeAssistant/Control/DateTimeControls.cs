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
