namespace Switchboard.HomeAssistant;

/// <summary>
/// A command could not be built because its command template is outside the supported Jinja subset or failed for the
/// value. Nothing was sent: Home Assistant would have sent the rendered template, so sending the plain value instead
/// could make the device do something else.
/// </summary>
public sealed class CommandTemplateException : InvalidOperationException
{
    internal CommandTemplateException(string entityId, string option, string template, string reason, bool unsupported)
        : base(unsupported
            ? $"The {option} of '{entityId}' ({template}) is outside the supported template subset: {reason}. The command was not sent."
            : $"The {option} of '{entityId}' ({template}) failed: {reason}. The command was not sent.")
    {
        EntityId = entityId;
        Option = option;
        Template = template;
        Reason = reason;
        IsUnsupported = unsupported;
    }

    /// <summary>The entity.</summary>
    public string EntityId { get; }

    /// <summary>The config key of the template, for example <c>percentage_command_template</c>.</summary>
    public string Option { get; }

    /// <summary>The template text.</summary>
    public string Template { get; }

    /// <summary>Why it could not render.</summary>
    public string Reason { get; }

    /// <summary>True when the template is outside the supported subset (it never renders); false when it failed for this value.</summary>
    public bool IsUnsupported { get; }
}
