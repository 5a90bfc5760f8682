using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Switchboard.Hosting.Internal;

/// <summary>
/// Binds the options from one given <see cref="IConfiguration"/> (<c>AddSwitchboard(configuration)</c>). A root
/// (<c>builder.Configuration</c>) is read as its <c>Switchboard</c> section, then the <c>MQTT_*</c> keys at that root; a
/// section (<c>configuration.GetSection("Mqtt")</c>) is bound itself, then the <c>MQTT_*</c> keys of the host's
/// <see cref="IConfiguration"/> (the process environment when there is none), so the environment still overrides it.
/// </summary>
internal sealed class ConfigurationSetup(IConfiguration configuration, IServiceProvider services) : IConfigureOptions<SwitchboardOptions>, IConfigureOptions<SwitchboardHostingOptions>
{
    public void Configure(SwitchboardOptions options)
    {
        if (configuration is IConfigurationSection section)
        {
            var root = (IConfiguration?)services.GetService(typeof(IConfiguration));
            SwitchboardConfiguration.Apply(options, section, root is null ? SwitchboardConfiguration.ProcessEnvironment() : key => root[key]);
        }
        else
        {
            SwitchboardConfiguration.Apply(options, configuration);
        }
    }

    public void Configure(SwitchboardHostingOptions options)
    {
        if (configuration is IConfigurationSection section)
        {
            SwitchboardConfiguration.Apply(options, section);
        }
        else
        {
            SwitchboardConfiguration.Apply(options, configuration);
        }
    }
}

/// <summary>Marks a configuration already registered by <c>AddSwitchboard(configuration)</c>, so a second call with the
/// same configuration (or a section with the same path) adds nothing.</summary>
internal sealed class ConfigurationMarker(IConfiguration configuration)
{
    public bool Matches(IConfiguration other) =>
        ReferenceEquals(configuration, other)
        || (configuration is IConfigurationSection a && other is IConfigurationSection b && string.Equals(a.Path, b.Path, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Binds the options from the host's <see cref="IConfiguration"/> (<c>AddSwitchboard()</c>); without one,
/// reads the MQTT_* variables straight from the process environment.</summary>
internal sealed class HostConfigurationSetup(IServiceProvider services) : IConfigureOptions<SwitchboardOptions>, IConfigureOptions<SwitchboardHostingOptions>
{
    private readonly IConfiguration? _configuration = (IConfiguration?)services.GetService(typeof(IConfiguration));

    public void Configure(SwitchboardOptions options)
    {
        if (_configuration is null)
        {
            options.ApplyEnvironment(SwitchboardConfiguration.ProcessEnvironment());
        }
        else
        {
            SwitchboardConfiguration.Apply(options, _configuration);
        }
    }

    public void Configure(SwitchboardHostingOptions options)
    {
        if (_configuration is not null)
        {
            SwitchboardConfiguration.Apply(options, _configuration);
        }
    }
}
