using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant.Discovery;

/// <summary>A template from a discovery config, compiled once. When the text is outside the supported subset,
/// <see cref="Template"/> is null and <see cref="Error"/> says why: the option is rejected — state messages that need it
/// change nothing, and commands that need it fail — and never replaced by the raw value.</summary>
internal sealed record ConfigTemplate(string Key, string Source, Template? Template, string? Error)
{
    /// <summary>Compiled templates by source text: compiling is a pure function of the text, and a large install
    /// repeats the same few templates on thousands of entities.</summary>
    private static readonly SharedValues<Compiled> Cache = new(4_096);

    public static ConfigTemplate Compile(string key, string source)
    {
        var compiled = Cache.GetOrAdd(source, static text => Template.TryParse(text, out var template, out var error) ? new Compiled(text, template, null) : new Compiled(text, null, error));
        return new ConfigTemplate(key, compiled.Source, compiled.Template, compiled.Error);
    }

    private sealed record Compiled(string Source, Template? Template, string? Error);
}
