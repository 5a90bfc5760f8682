namespace Switchboard.Tests.Configuration;

public sealed class OptionsValidatorTests
{
    private static SwitchboardOptions Valid() => new() { Url = "mqtt://broker", ClientId = "svc" };

    private static SwitchboardConfigurationException Fails(SwitchboardOptions options) =>
        Assert.Throws<SwitchboardConfigurationException>(() => OptionsValidator.Validate(options));

    [Fact]
    public void Valid_options_produce_settings()
    {
        var settings = OptionsValidator.Validate(new SwitchboardOptions { Url = "mqtt://u:p%40ss@broker:1884", ClientId = "svc", SourceName = "src" });
        Assert.Equal("broker", settings.Endpoint.Host);
        Assert.Equal(1884, settings.Endpoint.Port);
        Assert.Equal("u", settings.Username);
        Assert.Equal("p@ss", settings.Password);
        Assert.Equal("src", settings.SourceName);
        Assert.IsType<ExponentialBackoffRetryPolicy>(settings.RetryPolicy);
    }

    [Fact]
    public void Settings_are_a_snapshot()
    {
        var options = Valid();
        var settings = OptionsValidator.Validate(options);
        options.ClientId = "changed";
        options.QueueCapacity = 1;
        Assert.Equal("svc", settings.ClientId);
        Assert.Equal("svc", settings.Options.ClientId);
        Assert.Equal(10_000, settings.Options.QueueCapacity);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Missing_url(string? url)
    {
        var options = Valid();
        options.Url = url;
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.Url), ex.Setting);
        Assert.Contains("MQTT_URL", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_client_id(string? clientId)
    {
        var options = Valid();
        options.ClientId = clientId;
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.ClientId), ex.Setting);
        Assert.Contains("MQTT_CLIENT_ID", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a+")]
    [InlineData("a#")]
    public void Client_id_unusable_in_health_topic(string clientId)
    {
        var options = Valid();
        options.ClientId = clientId;
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.ClientId), ex.Setting);
        Assert.Contains(clientId, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_scheme_in_code_names_url_and_value()
    {
        var options = Valid();
        options.Url = "http://broker";
        var ex = Fails(options);
        Assert.StartsWith("Url", ex.Setting, StringComparison.Ordinal);
        Assert.Contains("MQTT_URL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("http://broker", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_timespans_are_errors()
    {
        var options = Valid();
        options.KeepAlive = TimeSpan.FromSeconds(-1);
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.KeepAlive), ex.Setting);
        Assert.Contains("MQTT_KEEPALIVE", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Min_reconnect_delay_above_max()
    {
        var options = Valid();
        options.ReconnectMinDelay = TimeSpan.FromSeconds(10);
        options.ReconnectMaxDelay = TimeSpan.FromSeconds(1);
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.ReconnectMaxDelay), ex.Setting);
        Assert.Contains("ReconnectMinDelay", ex.Message, StringComparison.Ordinal);
        Assert.Contains("10", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Queue_capacity_must_be_positive(int capacity)
    {
        var options = Valid();
        options.QueueCapacity = capacity;
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.QueueCapacity), ex.Setting);
        Assert.Equal(capacity.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Value);
        Assert.Contains("MQTT_QUEUE_CAPACITY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_overflow_policy()
    {
        var options = Valid();
        options.OverflowPolicy = (OverflowPolicy)42;
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.OverflowPolicy), ex.Setting);
        Assert.Contains("MQTT_QUEUE_OVERFLOW", ex.Message, StringComparison.Ordinal);
        Assert.Contains("42", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_protocol()
    {
        var options = Valid();
        options.Protocol = (MqttProtocol)7;
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.Protocol), ex.Setting);
        Assert.Contains("MQTT_PROTOCOL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_certificate_without_key()
    {
        var options = Valid();
        options.Url = "mqtts://broker";
        options.TlsCertFile = "/nonexistent/client.pem";
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.TlsKeyFile), ex.Setting);
        Assert.Contains("MQTT_TLS_KEY_FILE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_without_client_certificate()
    {
        var options = Valid();
        options.Url = "mqtts://broker";
        options.TlsKeyFile = "/nonexistent/client.key";
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.TlsCertFile), ex.Setting);
        Assert.Contains("MQTT_TLS_CERT_FILE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_files_with_plain_scheme()
    {
        var options = Valid();
        options.TlsCaFile = "/nonexistent/ca.pem";
        var ex = Fails(options);
        Assert.Contains("MQTT_TLS_CA_FILE", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mqtt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_ca_file()
    {
        var options = Valid();
        options.Url = "mqtts://broker";
        options.TlsCaFile = "/nonexistent/ca.pem";
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.TlsCaFile), ex.Setting);
        Assert.Contains("/nonexistent/ca.pem", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_start_false_without_session_expiry_on_mqtt5()
    {
        var options = Valid();
        options.CleanStart = false;
        var ex = Fails(options);
        Assert.Equal(nameof(SwitchboardOptions.CleanStart), ex.Setting);
        Assert.Contains("MQTT_CLEAN_START", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MQTT_SESSION_EXPIRY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_start_false_is_fine_on_mqtt311_or_with_expiry()
    {
        var v311 = Valid();
        v311.CleanStart = false;
        v311.Protocol = MqttProtocol.V311;
        Assert.True(OptionsValidator.Validate(v311).PersistentSession);

        var withExpiry = Valid();
        withExpiry.CleanStart = false;
        withExpiry.SessionExpiry = TimeSpan.FromMinutes(5);
        Assert.True(OptionsValidator.Validate(withExpiry).PersistentSession);

        Assert.False(OptionsValidator.Validate(Valid()).PersistentSession);
    }

    [Fact]
    public void ToString_masks_every_password()
    {
        var options = new SwitchboardOptions
        {
            Url = "mqtt://alice:hunter2@broker:1883",
            ClientId = "svc",
            Username = "bob",
            Password = "opensesame",
        };

        var text = options.ToString();
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("opensesame", text, StringComparison.Ordinal);
        Assert.Contains("broker", text, StringComparison.Ordinal);
        Assert.Contains("alice", text, StringComparison.Ordinal);
        Assert.Contains("svc", text, StringComparison.Ordinal);
        Assert.Contains("***", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_from_environment_masks_password_variables()
    {
        var options = SwitchboardOptions.FromEnvironment(new Dictionary<string, string?>
        {
            ["MQTT_URL"] = "mqtt://u:hunter2@h",
            ["MQTT_CLIENT_ID"] = "c",
            ["MQTT_PASSWORD"] = "opensesame",
        });

        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("opensesame", options.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt://user:secret@host:1883", "mqtt://user:***@host:1883")]
    [InlineData("mqtt://user:p%40ss@host", "mqtt://user:***@host")]
    [InlineData("mqtt://user:p@ss@host", "mqtt://user:***@host")]
    [InlineData("wss://user:secret@host/mqtt?x=1", "wss://user:***@host/mqtt?x=1")]
    [InlineData("mqtt://user@host", "mqtt://user@host")]
    [InlineData("mqtt://host:1883", "mqtt://host:1883")]
    [InlineData("not a url", "not a url")]
    [InlineData("ws://host/path@x", "ws://host/path@x")]
    [InlineData("mqtt://u:pa#ss@h", "mqtt://u:***@h")]
    [InlineData("mqtt://u:pa/ss@h:1883", "mqtt://u:***@h:1883")]
    [InlineData("mqtt://u:pa?ss@h", "mqtt://u:***@h")]
    public void MaskUrl(string url, string expected) => Assert.Equal(expected, Secrets.MaskUrl(url));
}
