using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant;

/// <summary>
/// Controls a <c>siren</c> (<c>siren.py</c>). Turning on renders <c>command_template</c> with <c>value</c> =
/// <c>payload_on</c> (default <c>ON</c>) and the variables <c>state</c>, <c>tone</c>, <c>volume_level</c>,
/// <c>duration</c>; turning off renders <c>command_off_template</c> (else <c>command_template</c>) with
/// <c>payload_off</c>. Without a template the payload is a compact JSON object of those variables, as Home Assistant
/// sends it: <c>{"state":"ON","tone":"ping","volume_level":0.5,"duration":10}</c>. A tone needs <c>available_tones</c>
/// (and must be one of them); volume and duration are refused when <c>support_volume_set</c>/<c>support_duration</c>
/// is false.
/// </summary>
public sealed class SirenControl : EntityControl
{
    internal SirenControl(HomeAssistantEntity entity)
        : base(entity, HomeAssistantComponents.Siren)
    {
    }

    /// <summary>The tones it offers (<c>available_tones</c>); empty when it has none.</summary>
    public IReadOnlyList<string> AvailableTones => Config.GetStringList("available_tones") ?? [];

    /// <summary>Turns it on, optionally with a tone, a volume (0–1) and a duration in seconds.</summary>
    public Task TurnOnAsync(string? tone = null, double? volumeLevel = null, int? duration = null, CancellationToken cancellationToken = default) =>
        PublishAsync(BuildTurnOn(tone, volumeLevel, duration), cancellationToken);

    /// <summary>Turns it off.</summary>
    public Task TurnOffAsync(CancellationToken cancellationToken = default) => PublishAsync(BuildTurnOff(), cancellationToken);

    /// <summary>The message <see cref="TurnOnAsync"/> publishes.</summary>
    /// <exception cref="NotSupportedException">A parameter the siren does not support.</exception>
    /// <exception cref="ArgumentException">A tone not in <see cref="AvailableTones"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A volume outside 0–1 or a negative duration.</exception>
    public IReadOnlyList<CommandMessage> BuildTurnOn(string? tone = null, double? volumeLevel = null, int? duration = null)
    {
        var variables = new List<(string Key, object Value)> { ("state", Config.GetString("payload_on", "ON")) };
        if (tone is not null)
        {
            if (AvailableTones.Count == 0)
            {
                throw new NotSupportedException($"siren '{Entity.Id}' has no available_tones.");
            }

            RequireIn(tone, "available_tones", [], "tone");
            variables.Add(("tone", tone));
        }

        if (volumeLevel is { } volume)
        {
            if (!Config.GetBool("support_volume_set", true))
            {
                throw new NotSupportedException($"siren '{Entity.Id}' does not support setting the volume.");
            }

            if (!(volume >= 0 && volume <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(volumeLevel), volumeLevel, "A volume level is from 0 to 1.");
            }

            variables.Add(("volume_level", volume));
        }

        if (duration is { } seconds)
        {
            if (!Config.GetBool("support_duration", true))
            {
                throw new NotSupportedException($"siren '{Entity.Id}' does not support a duration.");
            }

            ArgumentOutOfRangeException.ThrowIfNegative(seconds, nameof(duration));
            variables.Add(("duration", (long)seconds));
        }

        return [Message("command_topic", Payload("command_template", variables))];
    }

    /// <summary>The message <see cref="TurnOffAsync"/> publishes.</summary>
    public IReadOnlyList<CommandMessage> BuildTurnOff() =>
        [Message("command_topic", Payload(Entity.Definition.GetTemplate("command_off_template") is null ? "command_template" : "command_off_template", [("state", Config.GetString("payload_off", "OFF"))]))];

    private string Payload(string templateKey, List<(string Key, object Value)> variables)
    {
        if (Entity.Definition.GetTemplate(templateKey) is not null)
        {
            return Render(templateKey, variables[0].Value, variables.ToDictionary(v => v.Key, v => (object?)v.Value, StringComparer.Ordinal));
        }

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in variables)
            {
                writer.WritePropertyName(key);
                switch (value)
                {
                    case string text:
                        writer.WriteStringValue(text);
                        break;
                    case long whole:
                        writer.WriteNumberValue(whole);
                        break;
                    case double real:
                        writer.WriteRawValue(PythonText.FormatFloat(real));
                        break;
                    default:
                        writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
