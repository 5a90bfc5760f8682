namespace Switchboard.Tests.Configuration;

public sealed class BrokerEndpointTests
{
    [Theory]
    [InlineData("mqtt://broker", "mqtt", 1883, false, false)]
    [InlineData("mqtts://broker", "mqtts", 8883, true, false)]
    [InlineData("ws://broker", "ws", 80, false, true)]
    [InlineData("wss://broker", "wss", 443, true, true)]
    [InlineData("MQTT://broker", "mqtt", 1883, false, false)]
    public void Schemes_have_their_default_ports(string url, string scheme, int port, bool tls, bool webSocket)
    {
        var endpoint = BrokerEndpoint.Parse(url, "Url");
        Assert.Equal(scheme, endpoint.Scheme);
        Assert.Equal("broker", endpoint.Host);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(tls, endpoint.UseTls);
        Assert.Equal(webSocket, endpoint.UseWebSocket);
        Assert.Null(endpoint.Username);
        Assert.Null(endpoint.Password);
    }

    [Theory]
    [InlineData("mqtt://broker:1884", 1884)]
    [InlineData("mqtts://broker:443", 443)]
    [InlineData("ws://broker:8080/mqtt", 8080)]
    [InlineData("wss://broker:8443", 8443)]
    [InlineData("mqtt://broker:1", 1)]
    [InlineData("mqtt://broker:65535", 65535)]
    public void Explicit_ports_are_kept(string url, int port) => Assert.Equal(port, BrokerEndpoint.Parse(url, "Url").Port);

    [Fact]
    public void Explicit_default_port_of_another_scheme_is_kept()
    {
        // 1883 is explicit here, not the mqtts default.
        Assert.Equal(1883, BrokerEndpoint.Parse("mqtts://broker:1883", "Url").Port);
        Assert.Equal(80, BrokerEndpoint.Parse("wss://broker:80", "Url").Port);
    }

    [Theory]
    [InlineData("ws://broker", "/mqtt")]
    [InlineData("ws://broker/", "/mqtt")]
    [InlineData("wss://broker:9001", "/mqtt")]
    [InlineData("ws://broker/custom/path", "/custom/path")]
    public void WebSocket_path_defaults_to_mqtt(string url, string path)
    {
        var endpoint = BrokerEndpoint.Parse(url, "Url");
        Assert.Equal(path, endpoint.Path);
        Assert.EndsWith(path, endpoint.WebSocketUri, StringComparison.Ordinal);
    }

    [Fact]
    public void WebSocket_uri_is_complete()
    {
        Assert.Equal("ws://broker:80/mqtt", BrokerEndpoint.Parse("ws://broker", "Url").WebSocketUri);
        Assert.Equal("wss://[::1]:9443/mqtt", BrokerEndpoint.Parse("wss://[::1]:9443", "Url").WebSocketUri);
    }

    [Fact]
    public void Tcp_url_with_a_path_is_an_error()
    {
        var ex = Assert.Throws<SwitchboardConfigurationException>(() => BrokerEndpoint.Parse("mqtt://broker/mqtt", "MQTT_URL"));
        Assert.Equal("MQTT_URL", ex.Setting);
        Assert.Contains("/mqtt", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt://[::1]", "::1", 1883)]
    [InlineData("mqtt://[::1]:1884", "::1", 1884)]
    [InlineData("mqtts://[2001:db8::42]:8884", "2001:db8::42", 8884)]
    [InlineData("ws://[fe80::1]", "fe80::1", 80)]
    public void Ipv6_hosts_lose_their_brackets(string url, string host, int port)
    {
        var endpoint = BrokerEndpoint.Parse(url, "Url");
        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
    }

    [Fact]
    public void Credentials_in_url_are_url_decoded()
    {
        var endpoint = BrokerEndpoint.Parse("mqtt://al%20ice:p%40ss%3Aw%2Fd@broker:1884", "Url");
        Assert.Equal("al ice", endpoint.Username);
        Assert.Equal("p@ss:w/d", endpoint.Password);
        Assert.Equal("broker", endpoint.Host);
        Assert.Equal(1884, endpoint.Port);
    }

    [Fact]
    public void Simple_credentials_and_user_without_password()
    {
        var withPassword = BrokerEndpoint.Parse("mqtt://user:p%40ss@broker", "Url");
        Assert.Equal("user", withPassword.Username);
        Assert.Equal("p@ss", withPassword.Password);

        var userOnly = BrokerEndpoint.Parse("mqtt://user@broker", "Url");
        Assert.Equal("user", userOnly.Username);
        Assert.Null(userOnly.Password);
    }

    [Fact]
    public void ToString_never_shows_the_password()
    {
        var endpoint = BrokerEndpoint.Parse("mqtts://user:hunter2@broker", "Url");
        Assert.DoesNotContain("hunter2", endpoint.ToString(), StringComparison.Ordinal);
        Assert.Equal("mqtts://broker:8883", endpoint.ToString());
    }

    [Theory]
    [InlineData("broker:1883")]
    [InlineData("not a url")]
    [InlineData("mqtt://")]
    [InlineData("/just/a/path")]
    public void Malformed_urls_are_errors_naming_the_setting(string url)
    {
        var ex = Assert.Throws<SwitchboardConfigurationException>(() => BrokerEndpoint.Parse(url, "MQTT_URL"));
        Assert.Equal("MQTT_URL", ex.Setting);
        Assert.Contains("MQTT_URL", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt://u:hunter2@h:99999")]
    [InlineData("ftp://u:hunter2@h")]
    [InlineData("mqtt://u:hunter2@h/some/path")]
    [InlineData("mqtt://u:hunter2@h:0")]
    [InlineData("mqtt://u:hun#ter2@h")]
    [InlineData("mqtt://u:hun?ter2@h")]
    [InlineData("mqtt://u:hun/ter2@h")]
    public void Exceptions_never_show_the_password(string url)
    {
        var ex = Assert.Throws<SwitchboardConfigurationException>(() => BrokerEndpoint.Parse(url, "MQTT_URL"));
        AssertNoSecret(ex);

        var fromEnv = Assert.Throws<SwitchboardConfigurationException>(() =>
            SwitchboardOptions.FromEnvironment(new Dictionary<string, string?> { ["MQTT_URL"] = url, ["MQTT_CLIENT_ID"] = "c" }));
        AssertNoSecret(fromEnv);

        static void AssertNoSecret(SwitchboardConfigurationException ex)
        {
            Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("ter2", ex.Value ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain("ter2", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("ter2", ex.ToString(), StringComparison.Ordinal);
        }
    }
}
