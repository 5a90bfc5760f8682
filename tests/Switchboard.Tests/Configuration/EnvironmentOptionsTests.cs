namespace Switchboard.Tests.Configuration;

public sealed class EnvironmentOptionsTests
{
    private static SwitchboardOptions Load(params (string Key, string? Value)[] vars)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in vars)
        {
            env[key] = value;
        }

        return SwitchboardOptions.FromEnvironment(env);
    }

    private static SwitchboardConfigurationException LoadFails(params (string Key, string? Value)[] vars) =>
        Assert.Throws<SwitchboardConfigurationException>(() => Load(vars));

    [Fact]
    public void Minimal_environment_uses_documented_defaults()
    {
        var options = Load(("MQTT_URL", "mqtt://broker"), ("MQTT_CLIENT_ID", "svc"));

        Assert.Equal("mqtt://broker", options.Url);
        Assert.Equal("svc", options.ClientId);
        Assert.Equal(TimeSpan.FromSeconds(60), options.KeepAlive);
        Assert.False(options.EnableHealth);
        Assert.False(options.EnableHeartbeat);
        Assert.Equal(TimeSpan.FromSeconds(30), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.Zero, options.DedupeTtl);
        Assert.Equal(10_000, options.DedupeMaxEntries);
        Assert.Equal(TimeSpan.FromSeconds(0.5), options.ReconnectMinDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ReconnectMaxDelay);

        var settings = OptionsValidator.Validate(options);
        Assert.Equal("svc", settings.SourceName);
        Assert.Equal("system/health/svc", settings.HealthTopic);
        Assert.Equal("system/keepalive/svc", settings.HeartbeatTopic);
    }

    [Fact]
    public void Every_setting_is_read_from_its_variable()
    {
        var options = Load(
            ("MQTT_URL", "mqtts://broker:9999"),
            ("MQTT_CLIENT_ID", "svc"),
            ("MQTT_SOURCE_NAME", "tars-stt"),
            ("MQTT_KEEPALIVE", "15"),
            ("MQTT_ENABLE_HEALTH", "TRUE"),
            ("MQTT_ENABLE_HEARTBEAT", "yes"),
            ("MQTT_HEARTBEAT_INTERVAL", "2.5"),
            ("MQTT_DEDUPE_TTL", "120"),
            ("MQTT_DEDUPE_MAX_ENTRIES", "50"),
            ("MQTT_RECONNECT_MIN_DELAY", "0.25"),
            ("MQTT_RECONNECT_MAX_DELAY", "10"),
            ("MQTT_PROTOCOL", "3.1.1"),
            ("MQTT_QUEUE_CAPACITY", "7"),
            ("MQTT_QUEUE_OVERFLOW", "drop_oldest"),
            ("MQTT_MAX_INFLIGHT", "3"),
            ("MQTT_TOPIC_PREFIX", "smarthome"));

        Assert.Equal("tars-stt", options.SourceName);
        Assert.Equal(TimeSpan.FromSeconds(15), options.KeepAlive);
        Assert.True(options.EnableHealth);
        Assert.True(options.EnableHeartbeat);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(120), options.DedupeTtl);
        Assert.Equal(50, options.DedupeMaxEntries);
        Assert.Equal(TimeSpan.FromSeconds(0.25), options.ReconnectMinDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ReconnectMaxDelay);
        Assert.Equal(MqttProtocol.V311, options.Protocol);
        Assert.Equal(7, options.QueueCapacity);
        Assert.Equal(OverflowPolicy.DropOldest, options.OverflowPolicy);
        Assert.Equal(3, options.MaxInflight);
        Assert.Equal("smarthome", options.TopicPrefix);
        Assert.Equal("tars-stt", OptionsValidator.Validate(options).SourceName);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("On", true)]
    [InlineData(" true ", true)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    [InlineData("0", false)]
    [InlineData("no", false)]
    [InlineData("No", false)]
    [InlineData("off", false)]
    [InlineData("OFF", false)]
    public void Booleans_accept_the_documented_spellings(string raw, bool expected)
    {
        var options = Load(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), ("MQTT_ENABLE_HEALTH", raw), ("MQTT_ENABLE_HEARTBEAT", raw));
        Assert.Equal(expected, options.EnableHealth);
        Assert.Equal(expected, options.EnableHeartbeat);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("2")]
    [InlineData("y")]
    [InlineData("truee")]
    [InlineData("-1")]
    public void Booleans_reject_anything_else(string raw)
    {
        var ex = LoadFails(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), ("MQTT_ENABLE_HEALTH", raw));
        Assert.Equal("MQTT_ENABLE_HEALTH", ex.Setting);
        Assert.Equal(raw, ex.Value);
        Assert.Contains("MQTT_ENABLE_HEALTH", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{raw}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MQTT_ENABLE_HEARTBEAT")]
    [InlineData("MQTT_CLEAN_START")]
    [InlineData("MQTT_TLS_INSECURE")]
    [InlineData("MQTT_CONNECT_RETRY")]
    public void Every_boolean_variable_rejects_maybe(string key)
    {
        var ex = LoadFails(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), (key, "maybe"));
        Assert.Equal(key, ex.Setting);
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains("maybe", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_url_is_an_error_naming_MQTT_URL()
    {
        var ex = LoadFails(("MQTT_CLIENT_ID", "c"));
        Assert.Equal("MQTT_URL", ex.Setting);
        Assert.Null(ex.Value);
        Assert.Contains("MQTT_URL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blank_url_counts_as_missing()
    {
        var ex = LoadFails(("MQTT_URL", "   "), ("MQTT_CLIENT_ID", "c"));
        Assert.Equal("MQTT_URL", ex.Setting);
    }

    [Fact]
    public void Missing_client_id_is_an_error_naming_MQTT_CLIENT_ID()
    {
        var ex = LoadFails(("MQTT_URL", "mqtt://h"));
        Assert.Equal("MQTT_CLIENT_ID", ex.Setting);
        Assert.Contains("MQTT_CLIENT_ID", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://broker")]
    [InlineData("ftp://broker:21")]
    [InlineData("amqp://broker")]
    public void Unsupported_scheme_is_an_error(string url)
    {
        var ex = LoadFails(("MQTT_URL", url), ("MQTT_CLIENT_ID", "c"));
        Assert.Contains("Url", ex.Setting, StringComparison.Ordinal);
        Assert.Equal(url, ex.Value);
        Assert.Contains("MQTT_URL", ex.Message, StringComparison.Ordinal);
        Assert.Contains(url, ex.Message, StringComparison.Ordinal);
        Assert.Contains(new Uri(url).Scheme, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt://broker:99999")]
    [InlineData("mqtt://broker:0")]
    [InlineData("mqtt://broker:abc")]
    [InlineData("mqtt://broker:-1")]
    public void Bad_port_is_an_error(string url)
    {
        var ex = LoadFails(("MQTT_URL", url), ("MQTT_CLIENT_ID", "c"));
        Assert.Contains("Url", ex.Setting, StringComparison.Ordinal);
        Assert.Contains("MQTT_URL", ex.Message, StringComparison.Ordinal);
        Assert.Contains(url, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MQTT_KEEPALIVE", "abc")]
    [InlineData("MQTT_KEEPALIVE", "10s")]
    [InlineData("MQTT_HEARTBEAT_INTERVAL", "NaN")]
    [InlineData("MQTT_DEDUPE_TTL", "1,5")]
    [InlineData("MQTT_RECONNECT_MIN_DELAY", "Infinity")]
    [InlineData("MQTT_SESSION_EXPIRY", "forever")]
    public void Non_numeric_seconds_are_an_error(string key, string raw)
    {
        var ex = LoadFails(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), (key, raw));
        Assert.Equal(key, ex.Setting);
        Assert.Equal(raw, ex.Value);
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{raw}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MQTT_KEEPALIVE", "-1")]
    [InlineData("MQTT_HEARTBEAT_INTERVAL", "-0.5")]
    [InlineData("MQTT_DEDUPE_TTL", "-10")]
    [InlineData("MQTT_RECONNECT_MAX_DELAY", "-3")]
    public void Negative_seconds_are_an_error(string key, string raw)
    {
        var ex = LoadFails(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), (key, raw));
        Assert.Equal(key, ex.Setting);
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains(raw, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Min_reconnect_delay_above_max_is_an_error_naming_both()
    {
        var ex = LoadFails(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), ("MQTT_RECONNECT_MIN_DELAY", "8"), ("MQTT_RECONNECT_MAX_DELAY", "2"));
        Assert.Equal(nameof(SwitchboardOptions.ReconnectMaxDelay), ex.Setting);
        Assert.Contains("MQTT_RECONNECT_MAX_DELAY", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MQTT_RECONNECT_MIN_DELAY", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("8", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void Queue_capacity_below_one_is_an_error(string raw)
    {
        var ex = LoadFails(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), ("MQTT_QUEUE_CAPACITY", raw));
        Assert.Equal(nameof(SwitchboardOptions.QueueCapacity), ex.Setting);
        Assert.Equal(raw, ex.Value);
        Assert.Contains("MQTT_QUEUE_CAPACITY", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{raw}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MQTT_QUEUE_CAPACITY", "lots")]
    [InlineData("MQTT_DEDUPE_MAX_ENTRIES", "1.5")]
    [InlineData("MQTT_MAX_INFLIGHT", "99999999999")]
    public void Non_integer_counts_are_an_error(string key, string raw)
    {
        var ex = LoadFails(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), (key, raw));
        Assert.Equal(key, ex.Setting);
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains(raw, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wait", OverflowPolicy.Wait)]
    [InlineData("WAIT", OverflowPolicy.Wait)]
    [InlineData("drop-oldest", OverflowPolicy.DropOldest)]
    [InlineData("drop_newest", OverflowPolicy.DropNewest)]
    [InlineData("DropNewest", OverflowPolicy.DropNewest)]
    public void Overflow_policies_parse(string raw, OverflowPolicy expected) =>
        Assert.Equal(expected, Load(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), ("MQTT_QUEUE_OVERFLOW", raw)).OverflowPolicy);

    [Fact]
    public void Unknown_overflow_policy_is_an_error()
    {
        var ex = LoadFails(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), ("MQTT_QUEUE_OVERFLOW", "drop-random"));
        Assert.Equal("MQTT_QUEUE_OVERFLOW", ex.Setting);
        Assert.Equal("drop-random", ex.Value);
        Assert.Contains("MQTT_QUEUE_OVERFLOW", ex.Message, StringComparison.Ordinal);
        Assert.Contains("drop-random", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5", MqttProtocol.V500)]
    [InlineData("v5", MqttProtocol.V500)]
    [InlineData("3.1.1", MqttProtocol.V311)]
    [InlineData("311", MqttProtocol.V311)]
    public void Protocols_parse(string raw, MqttProtocol expected) =>
        Assert.Equal(expected, Load(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), ("MQTT_PROTOCOL", raw)).Protocol);

    [Fact]
    public void Unknown_protocol_is_an_error()
    {
        var ex = LoadFails(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), ("MQTT_PROTOCOL", "3.1"));
        Assert.Equal("MQTT_PROTOCOL", ex.Setting);
        Assert.Equal("3.1", ex.Value);
        Assert.Contains("MQTT_PROTOCOL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'3.1'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_start_false_without_session_expiry_is_an_error()
    {
        var ex = LoadFails(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), ("MQTT_CLEAN_START", "false"));
        Assert.Equal(nameof(SwitchboardOptions.CleanStart), ex.Setting);
        Assert.Contains("MQTT_CLEAN_START", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MQTT_SESSION_EXPIRY", ex.Message, StringComparison.Ordinal);
        Assert.Contains("false", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_start_false_with_session_expiry_is_a_persistent_session()
    {
        var options = Load(("MQTT_URL", "mqtt://h"), ("MQTT_CLIENT_ID", "c"), ("MQTT_CLEAN_START", "no"), ("MQTT_SESSION_EXPIRY", "3600"));
        Assert.False(options.CleanStart);
        Assert.Equal(TimeSpan.FromHours(1), options.SessionExpiry);
        Assert.True(OptionsValidator.Validate(options).PersistentSession);
    }

    [Fact]
    public void Legacy_host_port_username_password_build_the_connection()
    {
        var options = Load(
            ("MQTT_BROKER_HOST", "legacy-broker"),
            ("MQTT_BROKER_PORT", "1884"),
            ("MQTT_USERNAME", "alice"),
            ("MQTT_PASSWORD", "s3cr3t-legacy"),
            ("MQTT_CLIENT_ID", "c"));

        var settings = OptionsValidator.Validate(options);
        Assert.Equal("legacy-broker", settings.Endpoint.Host);
        Assert.Equal(1884, settings.Endpoint.Port);
        Assert.False(settings.Endpoint.UseTls);
        Assert.Equal("alice", settings.Username);
        Assert.Equal("s3cr3t-legacy", settings.Password);
        Assert.DoesNotContain("s3cr3t-legacy", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Legacy_host_defaults_to_port_1883()
    {
        var settings = OptionsValidator.Validate(Load(("MQTT_BROKER_HOST", "b"), ("MQTT_CLIENT_ID", "c")));
        Assert.Equal("b", settings.Endpoint.Host);
        Assert.Equal(1883, settings.Endpoint.Port);
    }

    [Fact]
    public void Legacy_ipv6_host_is_bracketed()
    {
        var settings = OptionsValidator.Validate(Load(("MQTT_BROKER_HOST", "::1"), ("MQTT_BROKER_PORT", "1999"), ("MQTT_CLIENT_ID", "c")));
        Assert.Equal("::1", settings.Endpoint.Host);
        Assert.Equal(1999, settings.Endpoint.Port);
    }

    [Fact]
    public void Legacy_bad_port_is_an_error()
    {
        var ex = LoadFails(("MQTT_BROKER_HOST", "b"), ("MQTT_BROKER_PORT", "70000"), ("MQTT_CLIENT_ID", "c"));
        Assert.Equal("MQTT_BROKER_PORT", ex.Setting);
        Assert.Contains("MQTT_BROKER_PORT", ex.Message, StringComparison.Ordinal);
        Assert.Contains("70000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Url_wins_over_legacy_host()
    {
        var options = Load(("MQTT_URL", "mqtts://new-broker:8884"), ("MQTT_BROKER_HOST", "old-broker"), ("MQTT_BROKER_PORT", "1883"), ("MQTT_CLIENT_ID", "c"));
        var settings = OptionsValidator.Validate(options);
        Assert.Equal("new-broker", settings.Endpoint.Host);
        Assert.Equal(8884, settings.Endpoint.Port);
        Assert.True(settings.Endpoint.UseTls);
    }

    [Fact]
    public void Legacy_username_and_password_override_url_credentials()
    {
        var settings = OptionsValidator.Validate(Load(("MQTT_URL", "mqtt://urluser:urlpass@h"), ("MQTT_USERNAME", "envuser"), ("MQTT_PASSWORD", "envpass"), ("MQTT_CLIENT_ID", "c")));
        Assert.Equal("envuser", settings.Username);
        Assert.Equal("envpass", settings.Password);
    }
}
