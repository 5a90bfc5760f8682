using System.Text.RegularExpressions;

namespace Switchboard.HomeAssistant;

/// <summary>Controls a <c>text</c> (<c>text.py</c>): the value on <c>command_topic</c> through <c>command_template</c>,
/// checked as Home Assistant's <c>text.set_value</c> checks it: length within <c>min</c>..<c>max</c> (default 0–255) and,
/// when the config has a <c>pattern</c>, matching it from the start (Python's <c>re.match</c>).</summary>
public sealed class TextControl : EntityControl
{
    internal TextControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Text)
    {
    }

    /// <summary>Sets the text.</summary>
    public Task SetValueAsync(string value, CancellationToken cancellationToken = default) => PublishAsync(BuildSetValue(value), cancellationToken);

    /// <summary>The message <see cref="SetValueAsync"/> publishes.</summary>
    /// <exception cref="ArgumentException">Too short, too long, or not matching <c>pattern</c>.</exception>
    public IReadOnlyList<CommandMessage> BuildSetValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var min = Config.GetInt("min", 0);
        var max = Config.GetInt("max", 255);
        if (value.Length < min || value.Length > max)
        {
            throw new ArgumentException($"text '{Entity.Id}' takes {min} to {max} characters, not {value.Length}.", nameof(value));
        }

        if (Config.GetString("pattern") is { } pattern && !Regex.IsMatch(value, $@"\A(?:{pattern})", RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            throw new ArgumentException($"text '{Entity.Id}' must match '{pattern}'.", nameof(value));
        }

        return [Message("command_topic", Render("command_template", value))];
    }
}
