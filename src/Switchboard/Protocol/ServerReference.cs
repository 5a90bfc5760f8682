using System.Globalization;

namespace Switchboard;

/// <summary>
/// Reads the MQTT 5 Server Reference (property 0x1C) of a CONNACK or DISCONNECT with reason code 0x9C (use another
/// server) or 0x9D (server moved). Its format is implementation-defined; accepted are <c>host</c>, <c>host:port</c>,
/// <c>[v6-address]:port</c> (which keep the scheme, TLS, WebSocket path and, for a bare host, the port of the broker
/// that sent it) and a full broker URL. The spec's examples separate several references with spaces: the first usable
/// one is taken. The target keeps the credentials of the broker that sent it (a URL's own are ignored), and a
/// reference that would drop TLS is refused.
/// </summary>
internal static class ServerReference
{
    /// <summary>Resolves <paramref name="reference"/> against <paramref name="current"/>.</summary>
    /// <returns>The target, or null with <paramref name="problem"/> saying why it cannot be followed.</returns>
    public static BrokerEndpoint? Resolve(string reference, BrokerEndpoint current, out string? problem)
    {
        problem = "it is empty";
        foreach (var candidate in reference.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (TryResolveOne(candidate, current, out var target, out problem))
            {
                return target;
            }
        }

        return null;
    }

    private static bool TryResolveOne(string text, BrokerEndpoint current, out BrokerEndpoint? target, out string? problem)
    {
        target = null;
        problem = null;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            BrokerEndpoint parsed;
            try
            {
                parsed = BrokerEndpoint.Parse(text, "Server Reference");
            }
            catch (SwitchboardConfigurationException ex)
            {
                problem = ex.Message;
                return false;
            }

            if (current.UseTls && !parsed.UseTls)
            {
                problem = $"it would leave TLS ({current.Scheme}) for {parsed.Scheme}";
                return false;
            }

            target = parsed with { Username = current.Username, Password = current.Password };
            return true;
        }

        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                problem = $"'{text}' is not host, host:port or a URL";
                return false;
            }

            host = text[1..close];
            port = close + 1 < text.Length ? text[(close + 2)..] : null;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            port = text[(colon + 1)..];
        }
        else
        {
            // No colon, or an IPv6 address without brackets (so without a port).
            host = text;
        }

        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            problem = $"'{text}' has no valid host name";
            return false;
        }

        var number = current.Port;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            problem = $"'{text}' has no valid port";
            return false;
        }

        target = current with { Host = host, Port = number };
        return true;
    }
}
