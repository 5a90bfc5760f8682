using System.Diagnostics;

namespace Switchboard.Tests.Diagnostics;

/// <summary>Reading the W3C trace context from MQTT 5 user properties (no listener needed).</summary>
public sealed class TraceContextTests
{
    private const string Parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void A_traceparent_and_tracestate_are_read_as_a_remote_context()
    {
        Assert.True(ClientTelemetry.TryExtract([new("other", "x"), new("traceparent", Parent), new("tracestate", "congo=t61rcWkgMzE")], out var context));
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", context.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
        Assert.Equal("congo=t61rcWkgMzE", context.TraceState);
        Assert.True(context.IsRemote);
    }

    [Fact]
    public void Names_match_in_any_case_and_the_first_one_wins()
    {
        Assert.True(ClientTelemetry.TryExtract([new("TraceParent", Parent), new("traceparent", "00-11111111111111111111111111111111-2222222222222222-01")], out var context));
        Assert.Equal("b7ad6b7169203331", context.SpanId.ToHexString());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    public void A_missing_or_malformed_traceparent_gives_no_context(string value)
    {
        Assert.False(ClientTelemetry.TryExtract([], out _));
        Assert.False(ClientTelemetry.TryExtract([new("tracestate", "a=b")], out _));
        Assert.False(ClientTelemetry.TryExtract([new("traceparent", value)], out _));
    }
}
