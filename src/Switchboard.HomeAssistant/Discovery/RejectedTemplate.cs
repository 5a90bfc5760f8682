namespace Switchboard.HomeAssistant;

/// <summary>
/// A template of an entity's config that is outside the supported Jinja subset, kept in
/// <see cref="HomeAssistantEntity.RejectedTemplates"/>. The rest of the entity works; this option does not: state
/// messages that need it leave the state as it was, and a command that needs it fails with
/// <see cref="CommandTemplateException"/> instead of being sent unrendered.
/// </summary>
/// <param name="Option">The config key, for example <c>percentage_command_template</c> or <c>availability.value_template</c>.</param>
/// <param name="Template">The template text.</param>
/// <param name="Reason">What the parser refused, with the character position.</param>
public sealed record RejectedTemplate(string Option, string Template, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Option} '{Template}': {Reason}";
}
