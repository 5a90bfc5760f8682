using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Switchboard.Hosting.Internal;

namespace Switchboard.Hosting;

/// <summary>
/// Registers the one shared <see cref="SwitchboardClient"/> of a service, a hosted service that connects it when the
/// host starts and shuts it down gracefully when the host stops, and start-up validation of its options.
/// </summary>
/// <remarks>
/// <para>Configuration precedence, lowest first: the defaults of <see cref="SwitchboardOptions"/>; the
/// <c>Switchboard</c> section (property names, e.g. <c>Switchboard:Url</c>, or <c>Switchboard__Url</c> as an
/// environment variable); the <c>MQTT_*</c> variables of <see cref="OptionKeys"/> (e.g. <c>MQTT_URL</c>,
/// <c>MQTT_CLIENT_ID</c>) at the configuration root, which the default host fills from the environment; then
/// <c>Action&lt;SwitchboardOptions&gt;</c> delegates, in registration order. So a container that sets only
/// <c>MQTT_URL</c> and <c>MQTT_CLIENT_ID</c> works, and overrides what <c>appsettings.json</c> says.</para>
/// <para>Every registration is a <c>TryAdd</c>: calling <c>AddSwitchboard</c> more than once still gives one client and
/// one hosted service. The options are validated when the host starts; a bad or missing setting fails the start with
/// a message naming it (e.g. <c>Url (MQTT_URL)='…'</c> or <c>Switchboard:KeepAlive (MQTT_KEEPALIVE)='abc'</c>).</para>
/// </remarks>
public static class SwitchboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the shared client, configured from the host's <see cref="IConfiguration"/> (the <c>Switchboard</c> section,
    /// then the <c>MQTT_*</c> variables); without a registered configuration, from the process's <c>MQTT_*</c>
    /// environment variables.
    /// </summary>
    public static ISwitchboardBuilder AddSwitchboard(this IServiceCollection services)
    {
        var builder = AddCore(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<SwitchboardOptions>, HostConfigurationSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<SwitchboardHostingOptions>, HostConfigurationSetup>());
        return builder;
    }

    /// <summary>
    /// Adds the shared client, configured from <paramref name="configuration"/>. Given a configuration root (typically
    /// <c>builder.Configuration</c>): its <c>Switchboard</c> section (<c>Switchboard:Hosting</c> for
    /// <see cref="SwitchboardHostingOptions"/>), then the <c>MQTT_*</c> keys at that root. Given a section (e.g.
    /// <c>builder.Configuration.GetSection("Mqtt")</c>): that section (its <c>Hosting</c> child for the hosting options),
    /// then the <c>MQTT_*</c> keys of the host's <see cref="IConfiguration"/>, or of the process environment without one.
    /// Durations in the section are seconds (<c>30</c>, <c>0.5</c>) or <c>hh:mm:ss</c> (<c>00:00:30</c>).
    /// Unknown keys in the section fail the start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">A configuration root, or the section that holds the settings.</param>
    public static ISwitchboardBuilder AddSwitchboard(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services);
        if (!services.Any(d => d.ImplementationInstance is ConfigurationMarker marker && marker.Matches(configuration)))
        {
            services.AddSingleton(new ConfigurationMarker(configuration));
            services.AddSingleton<IConfigureOptions<SwitchboardOptions>>(sp => new ConfigurationSetup(configuration, sp));
            services.AddSingleton<IConfigureOptions<SwitchboardHostingOptions>>(sp => new ConfigurationSetup(configuration, sp));
        }

        return builder;
    }

    /// <summary>
    /// Adds the shared client, configured in code only. Combine with <see cref="AddSwitchboard(IServiceCollection, IConfiguration)"/>
    /// (called first) to adjust bound options: delegates run after the binding, in registration order.
    /// </summary>
    public static ISwitchboardBuilder AddSwitchboard(this IServiceCollection services, Action<SwitchboardOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services);
        services.Configure(configure);
        return builder;
    }

    private static SwitchboardBuilder AddCore(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var name = Options.DefaultName;
        if (services.Any(d => d.ServiceType == typeof(SwitchboardMarker)))
        {
            return new SwitchboardBuilder(services, name);
        }

        services.AddSingleton<SwitchboardMarker>();
        services.AddOptionsWithValidateOnStart<SwitchboardOptions, SwitchboardOptionsValidator>(name);
        services.AddOptions<SwitchboardHostingOptions>(name);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SwitchboardClientHolder>();
        services.TryAddSingleton(static sp => sp.GetRequiredService<SwitchboardClientHolder>()
            .GetOrCreate(sp.GetRequiredService<IOptionsMonitor<SwitchboardOptions>>().Get(Options.DefaultName)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SwitchboardHostedService>());
        return new SwitchboardBuilder(services, name);
    }
}
