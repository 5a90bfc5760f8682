namespace Switchboard.Tests.Configuration;

/// <summary><see cref="SwitchboardOptions.Url"/> as a comma-separated list of brokers: splitting, validation naming the
/// bad entry, credentials per entry, masking.</summary>
public sealed class BrokerListTests
{
    private static ClientSettings Validate(string url, Action<SwitchboardOptions>? configure = null)
    {
        var options = new SwitchboardOptions { Url = url, ClientId = "c" };
        configure?.Invoke(options);
        return OptionsValidator.Validate(options);
    }

    private static SwitchboardConfigurationException Fails(string url, Action<SwitchboardOptions>? configure = null) =>
        Assert.Throws<SwitchboardConfigurationException>(() => Validate(url, configure));

    [Fact]
    public void One_url_is_a_list_of_one()
    {
        var settings = Validate("mqtt://broker");
        var broker = Assert.Single(settings.Brokers);
        Assert.Same(broker, settings.Endpoint);
        Assert.Equal(("broker", 1883), (broker.Host, broker.Port));
    }

    [Fact]
    public void Several_urls_keep_their_order_schemes_and_ports()
    {
        var settings = Validate("mqtt://a, mqtts://b:8884 ,ws://c/mqtt,wss://[::1]");
        Assert.Equal(
            ["mqtt://a:1883", "mqtts://b:8884", "ws://c:80/mqtt", "wss://::1:443/mqtt"],
            settings.Brokers.Select(b => b.ToString()));
        Assert.Same(settings.Brokers[0], settings.Endpoint);
    }

    [Fact]
    public void A_comma_inside_a_password_stays_in_its_url()
    {
        var single = Validate("mqtt://u:pa,ss@h");
        Assert.Equal("pa,ss", Assert.Single(single.Brokers).Password);

        var list = Validate("mqtt://u:pa,ss@a,mqtt://b");
        Assert.Equal(2, list.Brokers.Count);
        Assert.Equal("pa,ss", list.Brokers[0].Password);
        Assert.Equal("b", list.Brokers[1].Host);
    }

    [Theory]
    [InlineData("mqtt://a,,mqtt://b", 2, 3, "is empty")]
    [InlineData("mqtt://a,", 2, 2, "is empty")]
    [InlineData(",mqtt://a", 1, 2, "is empty")]
    [InlineData("mqtt://a,http://b", 2, 2, "unsupported scheme 'http'")]
    [InlineData("mqtt://a,mqtt://b:70000", 2, 2, "not a valid broker URL")]
    [InlineData("mqtt://a,mqtts://b,mqtt://c/path", 3, 3, "has a path")]
    [InlineData("mqtt://a,mqtt://:1883", 2, 2, "not a valid broker URL")]
    public void A_bad_entry_is_named(string url, int entry, int of, string problem)
    {
        var ex = Fails(url);
        Assert.Equal("Url", ex.Setting);
        Assert.Contains($"Url (MQTT_URL) entry {entry} of {of}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_host_after_a_comma_is_explained()
    {
        var ex = Fails("mqtt://a,b");
        Assert.Contains("'mqtt://a,b'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("separate complete URLs with commas", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_single_url_keeps_its_message()
    {
        var ex = Fails("http://a");
        Assert.StartsWith("Url (MQTT_URL)='http://a' has an unsupported scheme", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_entry_never_shows_a_password()
    {
        var ex = Fails("mqtt://u:hunter2@a,mqtt://v:opensesame@b:99999");
        Assert.Contains("entry 2 of 2", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("opensesame", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("opensesame", ex.Value ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_masks_every_password_of_a_list()
    {
        var options = new SwitchboardOptions { Url = "mqtt://u:hunter2@a,mqtts://v:opensesame@b", ClientId = "c" };
        var text = options.ToString();
        Assert.Contains("Url = mqtt://u:***@a,mqtts://v:***@b", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("opensesame", text, StringComparison.Ordinal);
    }

    [Fact]
    public void With_one_url_the_options_credentials_override_the_urls_as_before()
    {
        var settings = Validate("mqtt://urluser:urlpass@h", o => (o.Username, o.Password) = ("optuser", "optpass"));
        Assert.Equal(("optuser", "optpass"), (settings.Username, settings.Password));
    }

    [Fact]
    public void In_a_list_an_entrys_own_credentials_win_and_the_options_fill_in()
    {
        var settings = Validate("mqtt://alice:a-pass@a,mqtt://b,mqtt://carol@c", o => (o.Username, o.Password) = ("default", "default-pass"));
        Assert.Equal(("alice", "a-pass"), (settings.Username, settings.Password));

        var b = settings.ForBroker(settings.Brokers[1]);
        Assert.Same(settings.Brokers[1], b.Endpoint);
        Assert.Equal(("default", "default-pass"), (b.Username, b.Password));

        var c = settings.ForBroker(settings.Brokers[2]);
        Assert.Equal(("carol", "default-pass"), (c.Username, c.Password));

        Assert.Same(settings, settings.ForBroker(settings.Endpoint));
    }

    [Fact]
    public void Tls_files_with_a_plain_entry_in_the_list_are_refused_naming_it()
    {
        var ca = Path.GetTempFileName();
        try
        {
            var ex = Fails("mqtts://a,mqtt://b:1884", o => o.TlsCaFile = ca);
            Assert.Equal("TlsCaFile", ex.Setting);
            Assert.Contains("mqtt://b:1884", ex.Message, StringComparison.Ordinal);
            Assert.Contains("not encrypted", ex.Message, StringComparison.Ordinal);

            var settings = Validate("mqtts://a,wss://b", o => o.TlsCaFile = ca);
            Assert.All(settings.Brokers, b => Assert.True(b.UseTls));
        }
        finally
        {
            File.Delete(ca);
        }
    }

    [Fact]
    public void The_environment_reads_a_list()
    {
        var options = SwitchboardOptions.FromEnvironment(new Dictionary<string, string?>
        {
            ["MQTT_URL"] = "mqtt://a:1883,mqtt://b:1884",
            ["MQTT_CLIENT_ID"] = "c",
        });
        var settings = OptionsValidator.Validate(options);
        Assert.Equal(["a", "b"], settings.Brokers.Select(b => b.Host));
    }

    [Fact]
    public void The_environment_names_the_bad_entry()
    {
        var ex = Assert.Throws<SwitchboardConfigurationException>(() => SwitchboardOptions.FromEnvironment(new Dictionary<string, string?>
        {
            ["MQTT_URL"] = "mqtt://a:1883,ftp://b",
            ["MQTT_CLIENT_ID"] = "c",
        }));
        Assert.Contains("Url (MQTT_URL) entry 2 of 2='ftp://b'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configuration_section_value_is_read_the_same_way()
    {
        var options = new SwitchboardOptions { ClientId = "c" };
        options.ApplySetting("url", "mqtt://a , mqtt://b", "Switchboard:Url");
        Assert.Equal(["a", "b"], OptionsValidator.Validate(options).Brokers.Select(b => b.Host));
    }

    [Theory]
    [InlineData("mqtt://a,mqtt://b", new[] { "mqtt://a", "mqtt://b" })]
    [InlineData(" mqtt://a ,\tws://b/mqtt ", new[] { "mqtt://a", "ws://b/mqtt" })]
    [InlineData("mqtt://u:x,y@a,mqtt://b", new[] { "mqtt://u:x,y@a", "mqtt://b" })]
    [InlineData("mqtt://a,,mqtt://b", new[] { "mqtt://a", "", "mqtt://b" })]
    public void Split(string text, string[] expected) => Assert.Equal(expected, BrokerList.Split(text));
}
