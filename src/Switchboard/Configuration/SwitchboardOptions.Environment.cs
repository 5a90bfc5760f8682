using System.Collections;
using System.Globalization;

namespace Switchboard;

public sealed partial class SwitchboardOptions
{
    /// <summary>Reads the options from the process environment (see <see cref="OptionKeys"/>) and validates them.</summary>
    /// <exception cref="SwitchboardConfigurationException">A variable is missing or malformed; the message names it.</exception>
    public static SwitchboardOptions FromEnvironment()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            env[(string)entry.Key] = entry.Value as string;
        }

        return FromEnvironment(env);
    }

    /// <summary>Reads the options from the given variables instead of the process environment, and validates them.</summary>
    /// <exception cref="SwitchboardConfigurationException">A variable is missing or malformed; the message names it.</exception>
    public static SwitchboardOptions FromEnvironment(IReadOnlyDictionary<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var options = new SwitchboardOptions();
        options.ApplyEnvironment(key => variables.GetValueOrDefault(key));
        if (options.Url is null)
        {
            throw new SwitchboardConfigurationException(OptionKeys.Url, null, $"{OptionKeys.Url} is not set. Set it to the broker address, e.g. mqtt://localhost:1883 (or set the legacy {OptionKeys.BrokerHost}).");
        }

        if (options.ClientId is null)
        {
            throw new SwitchboardConfigurationException(OptionKeys.ClientId, null, $"{OptionKeys.ClientId} is not set. Every service needs its own client id, e.g. MQTT_CLIENT_ID=memory-worker.");
        }

        OptionsValidator.Validate(options);
        return options;
    }

    /// <summary>
    /// Overlays the <c>MQTT_*</c> variables of <see cref="OptionKeys"/> that <paramref name="variables"/> finds set (not
    /// empty); unset ones leave their option alone. The syntax is <see cref="FromEnvironment()"/>'s, including the legacy
    /// <c>MQTT_BROKER_HOST</c>/<c>MQTT_BROKER_PORT</c> form. Nothing is validated as a whole: that is
    /// <see cref="FromEnvironment()"/>'s job, or the host's at start.
    /// </summary>
    /// <param name="variables">Looks a variable up by name (e.g. the process environment, or an <c>IConfiguration</c>).</param>
    /// <exception cref="SwitchboardConfigurationException">A variable is malformed; the message names it.</exception>
    public void ApplyEnvironment(Func<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        string? Get(string key) => variables(key) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var url = Get(OptionKeys.Url);
        var legacyHost = Get(OptionKeys.BrokerHost);
        var legacyPort = Get(OptionKeys.BrokerPort);
        if (url is null && legacyHost is not null)
        {
            var port = legacyPort is null ? 1883 : SettingValues.ParseInt(OptionKeys.BrokerPort, legacyPort, 1, 65535);
            url = string.Create(CultureInfo.InvariantCulture, $"mqtt://{(legacyHost.Contains(':', StringComparison.Ordinal) ? $"[{legacyHost}]" : legacyHost)}:{port}");

            // Checked here so an error names the variable the user actually set.
            BrokerEndpoint.Parse(url, $"{OptionKeys.BrokerHost}/{OptionKeys.BrokerPort} (as {url})", OptionKeys.BrokerHost);
        }
        else if (url is not null && legacyPort is not null && legacyHost is null)
        {
            // MQTT_BROKER_PORT alone is meaningless next to a URL; say so rather than silently ignore it.
            throw new SwitchboardConfigurationException(OptionKeys.BrokerPort, legacyPort, $"{OptionKeys.BrokerPort}='{legacyPort}' is set without {OptionKeys.BrokerHost}; put the port in {OptionKeys.Url} instead.");
        }

        if (url is not null)
        {
            Url = url;
        }

        foreach (var setting in OptionSettings.All)
        {
            if (setting.Key != OptionKeys.Url && Get(setting.Key) is { } raw)
            {
                setting.Apply(this, raw, setting.Key, setting.Key, false);
            }
        }
    }

    /// <summary>
    /// Sets one option from text, by property name (any case: <c>Url</c>, <c>keepAlive</c>), as a configuration section
    /// writes it; Switchboard.Hosting binds the <c>Switchboard</c> section through this. Values use the syntax of the
    /// <c>MQTT_*</c> variables, except that durations may also be <c>hh:mm:ss</c>. An empty value means "not set".
    /// </summary>
    /// <param name="name">The property name.</param>
    /// <param name="value">The value as text.</param>
    /// <param name="path">How errors name the setting (e.g. <c>Switchboard:KeepAlive</c>); <paramref name="name"/> by default.</param>
    /// <exception cref="SwitchboardConfigurationException">The name is not an option that can be written as text, or the
    /// value is malformed; the message names the setting, its variable, and for an unknown name the known ones.</exception>
    public void ApplySetting(string name, string? value, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        path ??= name;
        var setting = OptionSettings.Find(name)
            ?? throw new SwitchboardConfigurationException(path, null, $"{path} is not a setting of {nameof(SwitchboardOptions)}; known settings: {OptionSettings.Names}.");
        if (!string.IsNullOrWhiteSpace(value))
        {
            setting.Apply(this, value.Trim(), path, $"{path} ({setting.Key})", true);
        }
    }
}
