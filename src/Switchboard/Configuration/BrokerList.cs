using System.Globalization;

namespace Switchboard;

/// <summary>
/// <see cref="SwitchboardOptions.Url"/> as a list of brokers: one URL, or several separated by commas
/// (<c>mqtt://a:1883,mqtt://b:1883</c>), tried in order by the supervisor.
/// </summary>
internal static class BrokerList
{
    /// <summary>
    /// Splits the text into its URLs. A comma separates two entries only when what follows it starts with a scheme
    /// (<c>mqtt://</c>, <c>wss://</c> …), so a comma inside a password (<c>mqtt://u:pa,ss@h</c>) stays part of its URL,
    /// as it did when the setting took one URL. Entries are trimmed; an empty entry is returned empty, for the caller
    /// to name.
    /// </summary>
    public static List<string> Split(string urls)
    {
        var pieces = urls.Split(',');
        var entries = new List<string>(pieces.Length);
        foreach (var piece in pieces)
        {
            var trimmed = piece.Trim();
            if (entries.Count > 0 && trimmed.Length > 0 && !StartsWithScheme(trimmed) && entries[^1].Length > 0)
            {
                entries[^1] = string.Concat(entries[^1], ",", piece.TrimEnd());
                continue;
            }

            entries.Add(trimmed);
        }

        return entries;
    }

    /// <summary>Parses every entry; an error names the setting, which entry is bad (when there are several) and shows
    /// it with its password masked.</summary>
    /// <param name="urls">The setting's text.</param>
    /// <param name="label">How messages name the setting, e.g. <c>Url (MQTT_URL)</c>.</param>
    /// <param name="setting">The setting reported in <see cref="SwitchboardConfigurationException.Setting"/>.</param>
    /// <exception cref="SwitchboardConfigurationException">An entry is empty or not a broker URL.</exception>
    public static IReadOnlyList<BrokerEndpoint> Parse(string urls, string label, string setting)
    {
        var entries = Split(urls);
        if (entries.Count == 1)
        {
            // One URL: exactly the messages of a single-URL setting.
            return [BrokerEndpoint.Parse(entries[0], label, setting)];
        }

        var brokers = new List<BrokerEndpoint>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entryLabel = string.Create(CultureInfo.InvariantCulture, $"{label} entry {i + 1} of {entries.Count}");
            if (entries[i].Length == 0)
            {
                throw new SwitchboardConfigurationException(setting, Secrets.MaskUrls(urls), $"{entryLabel} is empty; separate broker URLs with single commas, e.g. mqtt://broker-a:1883,mqtt://broker-b:1883.");
            }

            brokers.Add(BrokerEndpoint.Parse(entries[i], entryLabel, setting));
        }

        return brokers;
    }

    private static bool StartsWithScheme(string text)
    {
        var end = text.IndexOf("://", StringComparison.Ordinal);
        if (end <= 0 || !char.IsAsciiLetter(text[0]))
        {
            return false;
        }

        for (var i = 1; i < end; i++)
        {
            if (!char.IsAsciiLetterOrDigit(text[i]) && text[i] is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
