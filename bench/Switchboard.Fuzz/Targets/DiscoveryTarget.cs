using System.Text;
using Switchboard.HomeAssistant;
using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.Fuzz.Targets;

/// <summary>
/// Home Assistant discovery: the topic classification, then the payload through <see cref="DiscoveryParser"/>
/// (JSON, abbreviations, device-based fan-out, <c>~</c>, the per-component config validation and the compiled
/// templates of each accepted entity), exactly as the registry handles a message under the discovery prefix.
/// </summary>
/// <remarks>
/// Input: the first line is the topic (for example <c>homeassistant/sensor/node/temp/config</c>), everything after
/// the first <c>\n</c> is the payload. A bad topic or payload is a rejection in the outcome, never an exception: the
/// registry logs anything thrown as a bug of its own.
/// </remarks>
internal static class DiscoveryTarget
{
    private const string Prefix = "homeassistant";

    private static readonly HashSet<string> Components = new(HomeAssistantComponents.Supported, StringComparer.Ordinal);

    public static void Run(ReadOnlySpan<byte> input)
    {
        var newline = input.IndexOf((byte)'\n');
        var topic = Encoding.UTF8.GetString(newline < 0 ? input : input[..newline]);
        var payload = newline < 0 ? [] : input[(newline + 1)..].ToArray();
        using var watch = HiddenBugWatch.Arm();
        if (DiscoveryTopic.TryParse(topic, Prefix, Components, out var parsed, out _, out _) != TopicClass.Config)
        {
            return;
        }

        var outcome = DiscoveryParser.Parse(parsed, payload, Components);
        foreach (var change in outcome.Changes)
        {
            if (change.Definition is { } definition)
            {
                // What the registry reads of a definition right after it is accepted.
                _ = definition.UnsupportedTemplates.Count();
                _ = definition.RejectedTemplates.Count;
            }
        }
    }
}
