using Switchboard.HomeAssistant.Discovery;

namespace Switchboard.HomeAssistant.Tests.Discovery;

public sealed class DiscoveryTopicTests
{
    private static readonly HashSet<string> Components = [.. HomeAssistantComponents.Supported];

    [Theory]
    [InlineData("homeassistant/switch/A1B2C3_RL_1/config", "switch", null, "A1B2C3_RL_1", "switch/A1B2C3_RL_1")]
    [InlineData("homeassistant/light/0x001788010b9a1c2d/light/config", "light", "0x001788010b9a1c2d", "light", "light/0x001788010b9a1c2d/light")]
    [InlineData("homeassistant/binary_sensor/node-1/motion_2/config", "binary_sensor", "node-1", "motion_2", "binary_sensor/node-1/motion_2")]
    [InlineData("homeassistant/device/ea334450945afc/config", "device", null, "ea334450945afc", "device/ea334450945afc")]
    public void Parses_config_topics(string topic, string component, string? nodeId, string objectId, string key)
    {
        var result = DiscoveryTopic.TryParse(topic, "homeassistant", Components, out var parsed, out _, out _);

        Assert.Equal(TopicClass.Config, result);
        Assert.Equal(component, parsed.Component);
        Assert.Equal(nodeId, parsed.NodeId);
        Assert.Equal(objectId, parsed.ObjectId);
        Assert.Equal(key, parsed.Key);
    }

    [Theory]
    [InlineData("homeassistant/status")]
    [InlineData("homeassistant/sensor/x/state")]
    [InlineData("homeassistant")]
    [InlineData("homeassistantx/sensor/x/config")]
    [InlineData("zigbee2mqtt/sensor/x/config")]
    public void Ignores_topics_that_are_not_config_topics(string topic)
    {
        Assert.Equal(TopicClass.NotConfig, DiscoveryTopic.TryParse(topic, "homeassistant", Components, out _, out _, out _));
    }

    [Theory]
    [InlineData("homeassistant/config", RejectionReason.IllegalTopic)]
    [InlineData("homeassistant/sensor/config", RejectionReason.IllegalTopic)]
    [InlineData("homeassistant/sensor/a/b/c/config", RejectionReason.IllegalTopic)]
    [InlineData("homeassistant/sensor/bad.id/config", RejectionReason.IllegalTopic)]
    [InlineData("homeassistant/sensor/with space/config", RejectionReason.IllegalTopic)]
    [InlineData("homeassistant/sensor/node:1/obj/config", RejectionReason.IllegalTopic)]
    [InlineData("homeassistant/sensor//obj/config", RejectionReason.IllegalTopic)]
    [InlineData("homeassistant/sen-sor/obj/config", RejectionReason.IllegalTopic)]
    [InlineData("homeassistant/toaster/obj/config", RejectionReason.UnknownComponent)]
    public void Rejects_illegal_config_topics(string topic, RejectionReason expected)
    {
        var result = DiscoveryTopic.TryParse(topic, "homeassistant", Components, out _, out var reason, out var detail);

        Assert.Equal(TopicClass.Rejected, result);
        Assert.Equal(expected, reason);
        Assert.False(string.IsNullOrEmpty(detail));
    }

    [Fact]
    public void Honours_a_custom_prefix()
    {
        Assert.Equal(TopicClass.Config, DiscoveryTopic.TryParse("custom/disco/switch/a/config", "custom/disco", Components, out var parsed, out _, out _));
        Assert.Equal("switch/a", parsed.Key);
    }
}
