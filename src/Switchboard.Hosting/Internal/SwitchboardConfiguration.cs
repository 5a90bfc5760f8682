using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Switchboard.Hosting.Internal;

/// <summary>
/// Reads <see cref="SwitchboardOptions"/> from an <see cref="IConfiguration"/>: first the <c>Switchboard</c> section
/// (property names, case-insensitive), then the <c>MQTT_*</c> variables (<see cref="OptionKeys"/>) at the configuration
/// root, which in the default host are the environment variables. Unknown keys and malformed values throw
/// <see cref="SwitchboardConfigurationException"/> naming the key. Durations in the section are seconds (<c>30</c>,
/// <c>0.5</c>) or <c>hh:mm:ss</c>; a bare number is never read as days, unlike the standard binder.
/// </summary>
internal static class SwitchboardConfiguration
{
    public const string SectionName = "Switchboard";
    public const string HostingSectionName = "Hosting";

    // OptionKeys' field names are the SwitchboardOptions property names (Url -> MQTT_URL …).
    private static readonly Dictionary<string, string> EnvironmentKeys = typeof(OptionKeys)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, PropertyInfo> OptionsProperties = Bindable(typeof(SwitchboardOptions));
    private static readonly Dictionary<string, PropertyInfo> HostingProperties = Bindable(typeof(SwitchboardHostingOptions));

    /// <summary>Applies the section, then the MQTT_* variables found at the root of <paramref name="configuration"/>.</summary>
    public static void Apply(SwitchboardOptions options, IConfiguration configuration) =>
        Apply(options, configuration.GetSection(SectionName), key => configuration[key]);

    /// <summary>Applies <paramref name="section"/>, then the MQTT_* variables that <paramref name="variables"/> finds.</summary>
    public static void Apply(SwitchboardOptions options, IConfigurationSection section, Func<string, string?> variables)
    {
        BindSection(options, section, OptionsProperties, skipKey: HostingSectionName);
        ApplyVariables(options, variables);
    }

    /// <summary>Applies the <c>Switchboard:Hosting</c> section.</summary>
    public static void Apply(SwitchboardHostingOptions options, IConfiguration configuration) =>
        Apply(options, configuration.GetSection(SectionName));

    /// <summary>Applies the <c>Hosting</c> child of <paramref name="section"/>.</summary>
    public static void Apply(SwitchboardHostingOptions options, IConfigurationSection section) =>
        BindSection(options, section.GetSection(HostingSectionName), HostingProperties, skipKey: null);

    /// <summary>The process environment, as a lookup.</summary>
    public static Func<string, string?> ProcessEnvironment()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string;
        }

        return key => variables.GetValueOrDefault(key);
    }

    /// <summary>Overlays the MQTT_* variables that are set (same syntax as <see cref="SwitchboardOptions.FromEnvironment()"/>,
    /// including the legacy MQTT_BROKER_HOST/MQTT_BROKER_PORT form); unset ones leave the option alone.</summary>
    public static void ApplyVariables(SwitchboardOptions options, Func<string, string?> lookup)
    {
        string? Get(string key) => lookup(key) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var url = Get(OptionKeys.Url);
        var legacyHost = Get(OptionKeys.BrokerHost);
        var legacyPort = Get(OptionKeys.BrokerPort);
        if (url is null && legacyHost is not null)
        {
            var port = legacyPort is null ? 1883 : ParseInt(OptionKeys.BrokerPort, OptionKeys.BrokerPort, legacyPort, 1, 65535);
            url = string.Create(CultureInfo.InvariantCulture, $"mqtt://{(legacyHost.Contains(':', StringComparison.Ordinal) ? $"[{legacyHost}]" : legacyHost)}:{port}");
        }
        else if (url is not null && legacyPort is not null && legacyHost is null)
        {
            throw new SwitchboardConfigurationException(OptionKeys.BrokerPort, legacyPort, $"{OptionKeys.BrokerPort}='{legacyPort}' is set without {OptionKeys.BrokerHost}; put the port in {OptionKeys.Url} instead.");
        }

        if (url is not null)
        {
            options.Url = url;
        }

        foreach (var (name, property) in OptionsProperties)
        {
            if (name == nameof(SwitchboardOptions.Url) || !EnvironmentKeys.TryGetValue(name, out var key) || Get(key) is not { } raw)
            {
                continue;
            }

            property.SetValue(options, Convert(property, raw, setting: key, label: key, clockFormat: false));
        }
    }

    private static void BindSection(object target, IConfigurationSection section, Dictionary<string, PropertyInfo> properties, string? skipKey)
    {
        foreach (var child in section.GetChildren())
        {
            if (skipKey is not null && string.Equals(child.Key, skipKey, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!properties.TryGetValue(child.Key, out var property))
            {
                throw new SwitchboardConfigurationException(child.Path, null, $"{child.Path} is not a setting of {target.GetType().Name}; known settings: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}.");
            }

            var label = EnvironmentKeys.TryGetValue(property.Name, out var key) && target is SwitchboardOptions ? $"{child.Path} ({key})" : child.Path;
            if (child.Value is null)
            {
                if (child.GetChildren().Any())
                {
                    throw new SwitchboardConfigurationException(child.Path, null, $"{label} is a section, but {property.Name} takes a single value.");
                }

                continue;
            }

            if (string.IsNullOrWhiteSpace(child.Value))
            {
                continue; // an empty value means "not set", as for environment variables
            }

            property.SetValue(target, Convert(property, child.Value.Trim(), child.Path, label, clockFormat: true));
        }
    }

    private static object Convert(PropertyInfo property, string raw, string setting, string label, bool clockFormat)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type == typeof(string))
        {
            return raw;
        }

        if (type == typeof(bool))
        {
            return raw.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => throw new SwitchboardConfigurationException(setting, raw, $"{label}='{raw}' is not a boolean; use true/false, 1/0, yes/no or on/off."),
            };
        }

        if (type == typeof(int))
        {
            return ParseInt(setting, label, raw, int.MinValue, int.MaxValue);
        }

        if (type == typeof(TimeSpan))
        {
            return ParseDuration(setting, label, raw, clockFormat);
        }

        if (type == typeof(MqttProtocol))
        {
            return raw.ToLowerInvariant() switch
            {
                "5" or "5.0" or "v5" or "v500" or "mqttv5" => MqttProtocol.V500,
                "3.1.1" or "311" or "4" or "v311" or "mqttv311" => MqttProtocol.V311,
                _ => throw new SwitchboardConfigurationException(setting, raw, $"{label}='{raw}' is not a supported MQTT protocol version; use 5 or 3.1.1."),
            };
        }

        if (type == typeof(OverflowPolicy))
        {
            return raw.ToLowerInvariant().Replace('_', '-') switch
            {
                "wait" => OverflowPolicy.Wait,
                "drop-oldest" or "dropoldest" => OverflowPolicy.DropOldest,
                "drop-newest" or "dropnewest" => OverflowPolicy.DropNewest,
                _ => throw new SwitchboardConfigurationException(setting, raw, $"{label}='{raw}' is not an overflow policy; use wait, drop-oldest or drop-newest."),
            };
        }

        if (type.IsEnum && !char.IsAsciiDigit(raw[0]) && raw[0] != '-' && Enum.TryParse(type, raw, ignoreCase: true, out var value))
        {
            return value!;
        }

        throw new SwitchboardConfigurationException(setting, raw, $"{label}='{raw}' cannot be converted to {type.Name}.");
    }

    private static int ParseInt(string setting, string label, string raw, int min, int max)
    {
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new SwitchboardConfigurationException(setting, raw, $"{label}='{raw}' is not a whole number.");
        }

        if (value < min || value > max)
        {
            throw new SwitchboardConfigurationException(setting, raw, $"{label}='{raw}' is out of range; it must be between {min} and {max}.");
        }

        return value;
    }

    private static TimeSpan ParseDuration(string setting, string label, string raw, bool clockFormat)
    {
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                throw new SwitchboardConfigurationException(setting, raw, $"{label}='{raw}' is out of range; it must be zero or a positive number of seconds.");
            }

            return TimeSpan.FromSeconds(seconds);
        }

        if (clockFormat && TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var span))
        {
            return span >= TimeSpan.Zero
                ? span
                : throw new SwitchboardConfigurationException(setting, raw, $"{label}='{raw}' is negative; it must be zero or positive.");
        }

        throw new SwitchboardConfigurationException(setting, raw, clockFormat
            ? $"{label}='{raw}' is not a duration; use seconds (30, 0.5) or hh:mm:ss (00:00:30)."
            : $"{label}='{raw}' is not a number of seconds (e.g. 30 or 0.5).");
    }

    private static Dictionary<string, PropertyInfo> Bindable(Type type) => type
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && IsBindable(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType))
        .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    private static bool IsBindable(Type type) =>
        type == typeof(string) || type == typeof(bool) || type == typeof(int) || type == typeof(TimeSpan) || type.IsEnum;
}
