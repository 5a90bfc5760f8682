using System.Text;
using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.HomeAssistant.Tests.Discovery;

/// <summary>
/// Readable forms of what the discovery fuzz target found (the raw inputs are replayed from
/// bench/Switchboard.Fuzz/corpus/discovery/regressions by FuzzCorpusTests).
/// </summary>
public sealed class DiscoveryFuzzRegressionTests
{
    private static readonly HashSet<string> Components = [.. HomeAssistantComponents.Supported];

    public static TheoryData<string, byte[]> UnreadableStrings() => new()
    {
        // Invalid UTF-8 in a value, in a key (found as "a\x94ty_t" by the fuzzer), and in a device-based payload.
        { "homeassistant/switch/relay/config", [.. """{"name":"Kitchen","cmd_t":"cmnd/"""u8, 0xC3, 0x28, .. "\"}"u8] },
        { "homeassistant/switch/relay/config", [.. """{"name":"Kitchen","a"""u8, 0x94, .. "ty_t\":\"lwt\",\"cmd_t\":\"c\"}"u8] },
        { "homeassistant/device/kitchen/config", [.. """{"dev":{"ids":"k"},"o":{"name":"x"},"cmps":{"t":{"p":"sensor","stat_t":"s"""u8, 0xFF, .. "\"}}}"u8] },

        // An escaped lone surrogate is valid JSON and valid UTF-8, but no text either.
        { "homeassistant/sensor/temp/config", Encoding.UTF8.GetBytes("""{"name":"\ud800","stat_t":"s"}""") },
    };

    [Theory]
    [MemberData(nameof(UnreadableStrings))]
    public void A_string_that_is_not_text_is_rejected_as_invalid_json(string topic, byte[] payload)
    {
        // JsonNode decodes strings lazily, so these parsed and then threw InvalidOperationException while the
        // abbreviations were expanded or the config validated: the registry logged a bug instead of a rejection.
        Assert.Equal(TopicClass.Config, DiscoveryTopic.TryParse(topic, "homeassistant", Components, out var parsed, out _, out _));

        var outcome = DiscoveryParser.Parse(parsed, payload, Components);

        Assert.Empty(outcome.Changes);
        var rejection = Assert.Single(outcome.Rejections);
        Assert.Equal(RejectionReason.InvalidJson, rejection.Reason);
    }

    [Fact]
    public void Non_ascii_text_is_still_accepted()
    {
        Assert.Equal(TopicClass.Config, DiscoveryTopic.TryParse("homeassistant/sensor/temp/config", "homeassistant", Components, out var parsed, out _, out _));

        var outcome = DiscoveryParser.Parse(parsed, """{"name":"Température ☃ 😀","stat_t":"s","unit_of_meas":"°C"}"""u8.ToArray(), Components);

        Assert.Empty(outcome.Rejections);
        Assert.Equal("Température ☃ 😀", Assert.Single(outcome.Changes).Definition!.Name);
    }
}
