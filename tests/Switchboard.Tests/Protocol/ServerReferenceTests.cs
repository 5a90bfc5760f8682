namespace Switchboard.Tests.Protocol;

/// <summary>Reading an MQTT 5 Server Reference against the broker that sent it.</summary>
public sealed class ServerReferenceTests
{
    private static readonly BrokerEndpoint Tls = BrokerEndpoint.Parse("mqtts://user:secret@current:8884");
    private static readonly BrokerEndpoint WebSocket = BrokerEndpoint.Parse("ws://current:8080/custom");

    [Theory]
    [InlineData("other", "mqtts://other:8884")]
    [InlineData("other:1999", "mqtts://other:1999")]
    [InlineData("10.0.0.7:8883", "mqtts://10.0.0.7:8883")]
    [InlineData("[fe80::1]:1999", "mqtts://fe80::1:1999")]
    [InlineData("[::1]", "mqtts://::1:8884")]
    [InlineData("::1", "mqtts://::1:8884")]
    [InlineData("mqtts://elsewhere", "mqtts://elsewhere:8883")]
    [InlineData("wss://elsewhere/mqtt", "wss://elsewhere:443/mqtt")]
    [InlineData("bad!host other:1", "mqtts://other:1")]
    [InlineData("  first second", "mqtts://first:8884")]
    public void A_reference_resolves_keeping_what_it_does_not_say(string reference, string expected)
    {
        var target = ServerReference.Resolve(reference, Tls, out var problem);
        Assert.Null(problem);
        Assert.NotNull(target);
        Assert.Equal(expected, target.ToString());
        Assert.Equal(("user", "secret"), (target.Username, target.Password));
    }

    [Fact]
    public void A_host_and_port_keep_the_websocket_path()
    {
        var target = ServerReference.Resolve("next:81", WebSocket, out _);
        Assert.Equal("ws://next:81/custom", target!.ToString());
        Assert.True(target.UseWebSocket);
    }

    [Fact]
    public void A_url_reference_never_brings_its_own_credentials()
    {
        var target = ServerReference.Resolve("mqtts://mallory:stolen@elsewhere", Tls, out _);
        Assert.Equal(("user", "secret"), (target!.Username, target.Password));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("host:notaport", "no valid port")]
    [InlineData("host:0", "no valid port")]
    [InlineData("host:70000", "no valid port")]
    [InlineData("bad!host", "no valid host name")]
    [InlineData("[::1", "not host, host:port or a URL")]
    [InlineData("http://elsewhere", "unsupported scheme")]
    [InlineData("mqtt://elsewhere", "leave TLS")]
    [InlineData("ws://elsewhere", "leave TLS")]
    public void An_unusable_reference_says_why(string reference, string why)
    {
        Assert.Null(ServerReference.Resolve(reference, Tls, out var problem));
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_broker_may_send_the_client_to_tls()
    {
        var target = ServerReference.Resolve("mqtts://secure", BrokerEndpoint.Parse("mqtt://plain"), out _);
        Assert.True(target!.UseTls);
    }
}
