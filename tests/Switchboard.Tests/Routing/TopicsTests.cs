namespace Switchboard.Tests.Routing;

public sealed class TopicsTests
{
    [Theory]
    [InlineData("$share/g/a/+", "a/+")]
    [InlineData("$share/group/#", "#")]
    [InlineData("$share/g/$SYS/x", "$SYS/x")]
    [InlineData("a/+", "a/+")]
    [InlineData("$SYS/#", "$SYS/#")]
    [InlineData("share/g/a", "share/g/a")]
    public void MatchingFilter_strips_the_share_prefix(string filter, string expected) =>
        Assert.Equal(expected, Topics.MatchingFilter(filter));

    [Theory]
    [InlineData("a")]
    [InlineData("home/kitchen/light/set")]
    [InlineData("/")]
    [InlineData("a//b")]
    [InlineData("$SYS/broker")]
    [InlineData("héllo/世界/😀")]
    [InlineData(" ")]
    public void Valid_topic_names(string topic) => Topics.ValidateTopicName(topic);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a/+/b", "wildcard")]
    [InlineData("a/#", "wildcard")]
    [InlineData("#", "wildcard")]
    [InlineData("sport+", "wildcard")]
    [InlineData("a\0b", "NUL")]
    public void Invalid_topic_names(string topic, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => Topics.ValidateTopicName(topic));
        Assert.Equal("topic", ex.ParamName);
        Assert.Contains(reason, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Null_topic_is_rejected() => Assert.Throws<ArgumentNullException>(() => Topics.ValidateTopicName(null!));

    [Theory]
    [InlineData("#")]
    [InlineData("+")]
    [InlineData("a/+/b")]
    [InlineData("a/#")]
    [InlineData("+/+/#")]
    [InlineData("/")]
    [InlineData("a//b")]
    [InlineData("$SYS/#")]
    [InlineData("$share/g/a/+")]
    [InlineData("$share/g/#")]
    [InlineData("$share/g//")]
    public void Valid_filters(string filter) => Topics.ValidateFilter(filter);

    [Theory]
    [InlineData("")]
    [InlineData("a/#/b")]
    [InlineData("#/a")]
    [InlineData("a+")]
    [InlineData("a/b+/c")]
    [InlineData("a/#b")]
    [InlineData("a/##")]
    [InlineData("++")]
    [InlineData("$share/")]
    [InlineData("$share/g")]
    [InlineData("$share/g/")]
    [InlineData("$share/+/x")]
    [InlineData("$share/#/x")]
    [InlineData("$share/g+/x")]
    [InlineData("$share/g/a/#/b")]
    [InlineData("$share/g/a+")]
    [InlineData("a\0b")]
    public void Invalid_filters(string filter)
    {
        var ex = Assert.Throws<ArgumentException>(() => Topics.ValidateFilter(filter));
        Assert.Equal("filter", ex.ParamName);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Length_limit_is_65535_utf8_bytes()
    {
        Topics.ValidateTopicName(new string('a', 65535));
        Topics.ValidateFilter(new string('a', 65535));
        Topics.ValidateTopicName(new string('é', 32767) + "a"); // 65534 + 1 bytes

        var ascii = Assert.Throws<ArgumentException>(() => Topics.ValidateTopicName(new string('a', 65536)));
        Assert.Contains("65535", ascii.Message, StringComparison.Ordinal);

        // 32768 characters, but 65536 bytes in UTF-8: the limit is on bytes.
        var twoByte = Assert.Throws<ArgumentException>(() => Topics.ValidateTopicName(new string('é', 32768)));
        Assert.Contains("65536", twoByte.Message, StringComparison.Ordinal);

        // 21846 three-byte characters = 65538 bytes.
        Assert.Throws<ArgumentException>(() => Topics.ValidateFilter(new string('世', 21846)));
        Assert.Throws<ArgumentException>(() => Topics.ValidateFilter(new string('a', 70000)));
    }

    [Theory]
    [InlineData(Qos.AtMostOnce)]
    [InlineData(Qos.AtLeastOnce)]
    [InlineData(Qos.ExactlyOnce)]
    public void Valid_qos(Qos qos)
    {
        Assert.True(Topics.IsValidQos(qos));
        Topics.ValidateQos(qos);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    [InlineData(128)]
    public void Invalid_qos(int qos)
    {
        Assert.False(Topics.IsValidQos((Qos)qos));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Topics.ValidateQos((Qos)qos));
        Assert.Equal("qos", ex.ParamName);
        Assert.Contains($"QoS {qos}", ex.Message, StringComparison.Ordinal);
    }
}
