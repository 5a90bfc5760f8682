namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>notify</c> entity (<c>notify.py</c>): the message on <c>command_topic</c> through
/// <c>command_template</c>.</summary>
public sealed class NotifyControl : EntityControl
{
    internal NotifyControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Notify)
    {
    }

    /// <summary>Sends <paramref name="message"/>.</summary>
    public Task SendMessageAsync(string message, CancellationToken cancellationToken = default) => PublishAsync(BuildSendMessage(message), cancellationToken);

    /// <summary>The message <see cref="SendMessageAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildSendMessage(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return [Message("command_topic", Render("command_template", message))];
    }
}
