using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Switchboard.Hosting.Internal;

/// <summary>
/// Reads <see cref="SwitchboardOptions"/> from an <see cref="IConfiguration"/>: first the <c>Switchboard</c> section
/// (property names, case-insensitive), then the <c>MQTT_*</c> variables (<see cref="OptionKeys"/>) at the configuration
/// root, which in the default host are the environment variables. Both go through the core's own parsing
/// (<see cref="SwitchboardOptions.ApplySetting"/>, <see cref="SwitchboardOptions.ApplyEnvironment"/>), so a value means
/// here what it means to <see cref="SwitchboardOptions.FromEnvironment()"/>. Unknown keys and malformed values throw
/// <see cref="SwitchboardConfigurationException"/> naming the key. Durations in the section are seconds (<c>30</c>,
/// <c>0.5</c>) or <c>hh:mm:ss</c>; a bare number is never read as days, unlike the standard binder.
/// </summary>
internal static class SwitchboardConfiguration
{
    public const string SectionName = "Switchboard";
    public const string HostingSectionName = "Hosting";

    private static readonly string HostingNames = string.Join(", ", nameof(SwitchboardHostingOptions.StartTimeout), nameof(SwitchboardHostingOptions.StopApplicationOnFault));

    /// <summary>Applies the section, then the MQTT_* variables found at the root of <paramref name="configuration"/>.</summary>
    public static void Apply(SwitchboardOptions options, IConfiguration configuration) =>
        Apply(options, configuration.GetSection(SectionName), key => configuration[key]);

    /// <summary>Applies <paramref name="section"/>, then the MQTT_* variables that <paramref name="variables"/> finds.</summary>
    public static void Apply(SwitchboardOptions options, IConfigurationSection section, Func<string, string?> variables)
    {
        foreach (var child in section.GetChildren())
        {
            if (string.Equals(child.Key, HostingSectionName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // A null value checks the name alone (an unknown key fails, listing the known ones).
            options.ApplySetting(child.Key, null, child.Path);
            if (string.Equals(child.Key, nameof(SwitchboardOptions.Url), StringComparison.OrdinalIgnoreCase) && UrlList(child) is { } urls)
            {
                options.ApplySetting(child.Key, urls, child.Path);
            }
            else if (SingleValue(child, child.Key) is { } value)
            {
                options.ApplySetting(child.Key, value, child.Path);
            }
        }

        options.ApplyEnvironment(variables);
    }

    /// <summary>Applies the <c>Switchboard:Hosting</c> section.</summary>
    public static void Apply(SwitchboardHostingOptions options, IConfiguration configuration) =>
        Apply(options, configuration.GetSection(SectionName));

    /// <summary>Applies the <c>Hosting</c> child of <paramref name="section"/>.</summary>
    public static void Apply(SwitchboardHostingOptions options, IConfigurationSection section)
    {
        foreach (var child in section.GetSection(HostingSectionName).GetChildren())
        {
            var known = child.Key.ToUpperInvariant() switch
            {
                "STARTTIMEOUT" => nameof(SwitchboardHostingOptions.StartTimeout),
                "STOPAPPLICATIONONFAULT" => nameof(SwitchboardHostingOptions.StopApplicationOnFault),
                _ => throw new SwitchboardConfigurationException(child.Path, null, $"{child.Path} is not a setting of {nameof(SwitchboardHostingOptions)}; known settings: {HostingNames}."),
            };
            if (SingleValue(child, known) is not { } value)
            {
                continue;
            }

            if (known == nameof(SwitchboardHostingOptions.StartTimeout))
            {
                options.StartTimeout = SettingValues.ParseDuration(child.Path, value, allowClockFormat: true);
            }
            else
            {
                options.StopApplicationOnFault = SettingValues.ParseBool(child.Path, value);
            }
        }
    }

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

    /// <summary>A JSON array of broker URLs (<c>"Url": ["mqtt://a", "mqtt://b"]</c>, i.e. <c>Url:0</c>, <c>Url:1</c> …) as
    /// the comma-separated list the core parses; null when <paramref name="child"/> is not an array.</summary>
    private static string? UrlList(IConfigurationSection child)
    {
        if (child.Value is not null)
        {
            return null;
        }

        var items = child.GetChildren().ToList();
        if (items.Count == 0 || !items.All(i => int.TryParse(i.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _) && i.Value is not null && !i.GetChildren().Any()))
        {
            return null;
        }

        return string.Join(",", items
            .OrderBy(i => int.Parse(i.Key, CultureInfo.InvariantCulture))
            .Select(i => i.Value!.Trim())
            .Where(v => v.Length > 0));
    }

    /// <summary>The value of a setting, or null when it is empty ("not set", as for environment variables); a section
    /// where a single value belongs is an error.</summary>
    private static string? SingleValue(IConfigurationSection child, string property)
    {
        if (child.Value is null && child.GetChildren().Any())
        {
            throw new SwitchboardConfigurationException(child.Path, null, $"{child.Path} is a section, but {property} takes a single value.");
        }

        return string.IsNullOrWhiteSpace(child.Value) ? null : child.Value;
    }
}
