using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Switchboard.Hosting.Internal;

/// <summary>Binds the options from one given <see cref="IConfiguration"/> (<c>AddSwitchboard(configuration)</c>).</summary>
internal sealed class ConfigurationSetup(IConfiguration configuration) : IConfigureOptions<SwitchboardOptions>, IConfigureOptions<SwitchboardHostingOptions>
{
    public IConfiguration Configuration { get; } = configuration;

    public void Configure(SwitchboardOptions options) => SwitchboardConfiguration.Apply(options, Configuration);

    public void Configure(SwitchboardHostingOptions options) => SwitchboardConfiguration.Apply(options, Configuration);
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
            SwitchboardConfiguration.ApplyVariables(options, SwitchboardConfiguration.ProcessEnvironment());
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
