namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>select</c>: the option (one of <c>options</c>) on <c>command_topic</c>, through <c>command_template</c>.</summary>
public sealed class SelectControl : EntityControl
{
    internal SelectControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Select)
    {
    }

    /// <summary>The options it offers.</summary>
    public IReadOnlyList<string> Options => Config.GetStringList("options") ?? [];

    /// <summary>Selects <paramref name="option"/>.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="Options"/>.</exception>
    public Task SelectOptionAsync(string option, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildSelectOption(option), cancellationToken);

    /// <summary>The message <see cref="SelectOptionAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSelectOption(string option)
    {
        RequireTopic("command_topic");
        RequireIn(option, "options", [], "option");
        return [Message("command_topic", Render("command_template", option))];
    }
}
