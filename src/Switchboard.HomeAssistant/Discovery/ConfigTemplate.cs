using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant.Discovery;

/// <summary>A template from a discovery config, compiled once. When the text is outside the supported subset,
/// <see cref="Template"/> is null and <see cref="Error"/> says why: the option is rejected — state messages that need it
/// change nothing, and commands that need it fail — and never replaced by the raw value.</summary>
internal sealed record ConfigTemplate(string Key, string Source, Template? Template, string? Error)
{
    public static ConfigTemplate Compile(string key, string source) =>
        Template.TryParse(source, out var template, out var error)
            ? new ConfigTemplate(key, source, template, null)
            : new ConfigTemplate(key, source, null, error);
}
