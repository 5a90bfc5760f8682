using System.Text;

namespace Switchboard.Tests.Envelopes;

/// <summary>Decoding reuses the previous <c>type</c>/<c>source</c> string when the bytes repeat, and is never wrong.</summary>
public sealed class RecentStringTests
{
    private static EnvelopeHeader Header(string type, string source)
    {
        var json = $$$"""{"id":"3f2a0000000000000000000000000001","type":"{{{type}}}","ts":1.5,"source":"{{{source}}}","data":{}}""";
        Assert.True(EnvelopeCodec.TryReadHeader(Encoding.UTF8.GetBytes(json), out var header, out var error), error);
        return header;
    }

    [Fact]
    public void Repeated_values_are_the_same_string_instance()
    {
        var first = Header("sensor.reading", "kitchen-svc");
        var second = Header("sensor.reading", "kitchen-svc");
        Assert.Same(first.Type, second.Type);
        Assert.Same(first.Source, second.Source);
    }

    [Fact]
    public void Changed_and_escaped_values_are_read_exactly()
    {
        Assert.Equal("sensor.reading", Header("sensor.reading", "a").Type);
        Assert.Equal("sensor.readinG", Header("sensor.readinG", "a").Type);
        Assert.Equal("sensor.reading", Header("sensor\\u002ereading", "a").Type);
        Assert.Equal("sensor.reading", Header("sensor.reading", "a").Type);
        Assert.Equal("caf\u00e9", Header("caf\u00e9", "caf\\u00e9").Type);
        Assert.Equal("caf\u00e9", Header("x", "caf\\u00e9").Source);
        Assert.Equal("b", Header("x", "b").Source);
    }
}
