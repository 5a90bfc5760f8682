using System.Text;

namespace Switchboard.Simulator;

/// <summary>
/// Home Assistant's way of naming an entity: <c>&lt;component&gt;.&lt;slug of device name + entity name&gt;</c>
/// (<c>light.kitchen</c>, <c>sensor.plug_power</c>). An entity without a name is named after its device.
/// </summary>
public static class EntityIds
{
    /// <summary>The entity id for a component, its device's name and its own name (either may be null).</summary>
    public static string Create(string component, string? deviceName, string? entityName, string fallback)
    {
        ArgumentNullException.ThrowIfNull(component);
        var name = (deviceName, entityName) switch
        {
            ({ Length: > 0 } d, { Length: > 0 } e) when !string.Equals(d, e, StringComparison.OrdinalIgnoreCase) => $"{d} {e}",
            ({ Length: > 0 } d, _) => d,
            (_, { Length: > 0 } e) => e,
            _ => fallback,
        };
        var slug = Slugify(name);
        return $"{component}.{(slug.Length > 0 ? slug : Slugify(fallback))}";
    }

    /// <summary>Lower case, runs of anything but letters and digits become one <c>_</c>, no leading or trailing <c>_</c>.</summary>
    public static string Slugify(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        var pendingUnderscore = false;
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (pendingUnderscore && builder.Length > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
                pendingUnderscore = false;
            }
            else
            {
                pendingUnderscore = true;
            }
        }

        return builder.ToString();
    }
}
