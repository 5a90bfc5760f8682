namespace Switchboard.HomeAssistant.Templates;

/// <summary>The template text is not in the supported Jinja subset (or is not valid Jinja at all).</summary>
internal sealed class TemplateSyntaxException : Exception
{
    public TemplateSyntaxException(string message, int position)
        : base($"{message} (at character {position})") => Position = position;

    /// <summary>Offset in the template text where parsing failed.</summary>
    public int Position { get; }
}

/// <summary>Rendering failed for this input (for example <c>'abc' | float</c> without a default).</summary>
internal sealed class TemplateRuntimeException : Exception
{
    public TemplateRuntimeException(string message)
        : base(message)
    {
    }
}
