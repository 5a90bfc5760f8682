using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Switchboard.Hosting.Internal;
using Switchboard.IntegrationTests.Brokers;
using Switchboard.IntegrationTests.Support;

namespace Switchboard.Hosting.Tests;

public sealed class ConfigurationTests
{
    private const string Unreachable = "mqtt://127.0.0.1:1";

    [Fact]
    public async Task Section_durations_accept_seconds_and_clock_format()
    {
        var host = TestHost.Build(TestHost.Section(Unreachable, "durations",
            ("Switchboard:KeepAlive", "30"),
            ("Switchboard:HeartbeatInterval", "00:00:45"),
            ("Switchboard:DrainTimeout", "0.25"),
            ("Switchboard:EnableHealth", "yes"),
            ("Switchboard:OverflowPolicy", "drop-oldest"),
            ("Switchboard:Protocol", "3.1.1"),
            ("Switchboard:Hosting:StopApplicationOnFault", "false")));
        try
        {
            var options = host.Services.GetRequiredService<SwitchboardClient>().Options;
            Assert.Equal(TimeSpan.FromSeconds(30), options.KeepAlive);
            Assert.Equal(TimeSpan.FromSeconds(45), options.HeartbeatInterval);
            Assert.Equal(TimeSpan.FromSeconds(0.25), options.DrainTimeout);
            Assert.True(options.EnableHealth);
            Assert.Equal(OverflowPolicy.DropOldest, options.OverflowPolicy);
            Assert.Equal(MqttProtocol.V311, options.Protocol);
            Assert.False(host.Services.GetRequiredService<IOptions<SwitchboardHostingOptions>>().Value.StopApplicationOnFault);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Url_takes_a_list_as_text_or_as_an_array()
    {
        var text = TestHost.Build(TestHost.Section("mqtt://127.0.0.1:1, mqtt://127.0.0.1:2", "list-text"));
        try
        {
            Assert.Equal("mqtt://127.0.0.1:1, mqtt://127.0.0.1:2", text.Services.GetRequiredService<SwitchboardClient>().Options.Url);
        }
        finally
        {
            await text.DisposeAsync();
        }

        var config = TestHost.Section(Unreachable, "list-array");
        config.Remove("Switchboard:Url");
        config["Switchboard:Url:1"] = "mqtt://127.0.0.1:2";
        config["Switchboard:Url:0"] = "mqtt://127.0.0.1:1";
        var array = TestHost.Build(config);
        try
        {
            Assert.Equal("mqtt://127.0.0.1:1,mqtt://127.0.0.1:2", array.Services.GetRequiredService<SwitchboardClient>().Options.Url);
        }
        finally
        {
            await array.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_bad_entry_of_a_url_list_fails_the_start_naming_it()
    {
        var config = TestHost.Section(Unreachable, "list-bad");
        config.Remove("Switchboard:Url");
        config["Switchboard:Url:0"] = "mqtt://127.0.0.1:1";
        config["Switchboard:Url:1"] = "http://127.0.0.1:2";
        var host = TestHost.Build(config);
        try
        {
            using var cts = TestTimeout.Start();
            var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(cts.Token));
            Assert.Contains("Url (MQTT_URL) entry 2 of 2='http://127.0.0.1:2' has an unsupported scheme", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Mqtt_variables_override_the_section()
    {
        var config = TestHost.Section(Unreachable, "from-section", ("Switchboard:KeepAlive", "30"));
        config[OptionKeys.ClientId] = "from-env";
        config[OptionKeys.KeepAlive] = "15";
        config[OptionKeys.Url] = "mqtt://127.0.0.1:2";
        var host = TestHost.Build(config, sb => sb.Services.Configure<SwitchboardOptions>(o => o.SourceName = "from-code"));
        try
        {
            var client = host.Services.GetRequiredService<SwitchboardClient>();
            Assert.Equal("from-env", client.ClientId);
            Assert.Equal("from-code", client.SourceName);
            Assert.Equal(TimeSpan.FromSeconds(15), client.Options.KeepAlive);
            Assert.Equal("mqtt://127.0.0.1:2", client.Options.Url);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Only_MQTT_URL_and_MQTT_CLIENT_ID_are_enough()
    {
        await using var broker = new EmbeddedBroker();
        await broker.StartAsync();
        var clientId = TestHost.ClientId("env-only");
        var host = TestHost.Build(new Dictionary<string, string?> { [OptionKeys.Url] = broker.Url, [OptionKeys.ClientId] = clientId });
        try
        {
            using var cts = TestTimeout.Start();
            await host.StartAsync(cts.Token);
            var client = host.Services.GetRequiredService<SwitchboardClient>();
            Assert.Equal(ConnectionState.Connected, client.State);
            Assert.Equal(clientId, client.ClientId);
            await host.StopAsync(cts.Token);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("Switchboard:Url", "http://broker", "Url (MQTT_URL)")]
    [InlineData("Switchboard:ClientId", "", "ClientId (MQTT_CLIENT_ID)")]
    [InlineData("Switchboard:ClientId", "a/b", "ClientId (MQTT_CLIENT_ID)='a/b'")]
    [InlineData("Switchboard:KeepAlive", "abc", "Switchboard:KeepAlive (MQTT_KEEPALIVE)='abc'")]
    [InlineData("Switchboard:EnableHealth", "maybe", "Switchboard:EnableHealth (MQTT_ENABLE_HEALTH)='maybe'")]
    [InlineData("Switchboard:Urll", "mqtt://x", "Switchboard:Urll is not a setting")]
    [InlineData("MQTT_QUEUE_CAPACITY", "many", "MQTT_QUEUE_CAPACITY='many'")]
    [InlineData("MQTT_RECONNECT_MAX_DELAY", "0.01", "ReconnectMaxDelay (MQTT_RECONNECT_MAX_DELAY)")]
    public async Task A_bad_setting_fails_the_host_start_naming_it(string key, string value, string expected)
    {
        var config = TestHost.Section(Unreachable, "bad-setting");
        config[key] = value;
        var host = TestHost.Build(config);
        try
        {
            using var cts = TestTimeout.Start();
            var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(cts.Token));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_password_never_appears_in_a_start_error()
    {
        var config = TestHost.Section("mqtt://user:hunter2@127.0.0.1:1", "secret-check", ("Switchboard:KeepAlive", "0.5"));
        var host = TestHost.Build(config);
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(CancellationToken.None));
            Assert.Contains("KeepAlive", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task AddSwitchboard_twice_registers_one_client_and_one_hosted_service()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(TestHost.Section(Unreachable, "twice"));
        builder.Services.AddSwitchboard(builder.Configuration).AddHealthCheck().AddSubscription<NullHandler>("a/#");
        builder.Services.AddSwitchboard(builder.Configuration).AddHealthCheck().AddSubscription<NullHandler>("a/#");
        builder.Services.AddSwitchboard();
        builder.Services.AddSwitchboard();

        Assert.Single(builder.Services, d => d.ServiceType == typeof(SwitchboardClient));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(SwitchboardHostedService));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(SubscriptionRegistration));
        Assert.Single(builder.Services, d => d.ImplementationInstance is HealthCheckMarker);

        var host = builder.Build();
        try
        {
            Assert.Same(host.Services.GetRequiredService<SwitchboardClient>(), host.Services.GetRequiredService<SwitchboardClient>());
            Assert.Single(host.Services.GetServices<IHostedService>().OfType<SwitchboardHostedService>());
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_section_passed_in_is_bound_and_MQTT_variables_of_the_host_still_override_it()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Services:Mqtt:Url"] = Unreachable,
            ["Services:Mqtt:ClientId"] = "from-section",
            ["Services:Mqtt:KeepAlive"] = "30",
            ["Services:Mqtt:Hosting:StopApplicationOnFault"] = "false",
            ["Switchboard:KeepAlive"] = "not read: only the given section is",
            [OptionKeys.ClientId] = "from-env",
        });
        builder.Services.AddSwitchboard(builder.Configuration.GetSection("Services:Mqtt"));
        builder.Services.AddSwitchboard(builder.Configuration.GetSection("Services:Mqtt")); // same path: registered once
        Assert.Single(builder.Services, d => d.ImplementationInstance is ConfigurationMarker);
        var host = builder.Build();
        try
        {
            var client = host.Services.GetRequiredService<SwitchboardClient>();
            Assert.Equal("from-env", client.ClientId);
            Assert.Equal(Unreachable, client.Options.Url);
            Assert.Equal(TimeSpan.FromSeconds(30), client.Options.KeepAlive);
            Assert.False(host.Services.GetRequiredService<IOptions<SwitchboardHostingOptions>>().Value.StopApplicationOnFault);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task AddSwitchboard_without_arguments_reads_the_host_configuration()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Switchboard:ClientId"] = "from-host-section",
            ["Switchboard:DrainTimeout"] = "2",
            [OptionKeys.Url] = Unreachable,
        });
        builder.Services.AddSwitchboard();
        var host = builder.Build();
        try
        {
            var client = host.Services.GetRequiredService<SwitchboardClient>();
            Assert.Equal("from-host-section", client.ClientId);
            Assert.Equal(Unreachable, client.Options.Url);
            Assert.Equal(TimeSpan.FromSeconds(2), client.Options.DrainTimeout);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task AddSwitchboard_with_a_delegate_is_configured_in_code_only()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [OptionKeys.ClientId] = "not read" });
        builder.Services.AddSwitchboard(o =>
        {
            o.Url = Unreachable;
            o.ClientId = "from-code";
        });
        var host = builder.Build();
        try
        {
            Assert.Equal("from-code", host.Services.GetRequiredService<SwitchboardClient>().ClientId);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_host_reads_MQTT_variables_exactly_as_FromEnvironment_does()
    {
        // One parser: what the host binds from MQTT_* keys equals what the core reads from the same variables.
        var variables = new Dictionary<string, string?>
        {
            [OptionKeys.BrokerHost] = "127.0.0.1",
            [OptionKeys.BrokerPort] = "1",
            [OptionKeys.ClientId] = "same-meaning",
            [OptionKeys.KeepAlive] = "12.5",
            [OptionKeys.Protocol] = "v311",
            [OptionKeys.EnableHealth] = "ON",
            [OptionKeys.OverflowPolicy] = "drop_oldest",
            [OptionKeys.QueueCapacity] = " 64 ",
            [OptionKeys.MaxRedeliveries] = "7",
            [OptionKeys.DeadLetterTopic] = "dead/letters",
            [OptionKeys.SessionExpiry] = "3600",
        };
        var expected = SwitchboardOptions.FromEnvironment(variables);
        var host = TestHost.Build(new Dictionary<string, string?>(variables));
        try
        {
            var bound = host.Services.GetRequiredService<IOptions<SwitchboardOptions>>().Value;
            foreach (var property in typeof(SwitchboardOptions).GetProperties().Where(p => p.CanWrite && p.PropertyType != typeof(IRetryPolicy)))
            {
                Assert.True(Equals(property.GetValue(expected), property.GetValue(bound)), $"{property.Name}: {property.GetValue(expected)} vs {property.GetValue(bound)}");
            }
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private sealed class NullHandler : IMessageHandler
    {
        public ValueTask HandleAsync(MqttMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
