using System.Globalization;

namespace Switchboard;

/// <summary>A parsed broker URL: transport, host, port and the credentials it carried.</summary>
internal sealed record BrokerEndpoint(string Scheme, string Host, int Port, string Path, bool UseTls, bool UseWebSocket, string? Username, string? Password)
{
    /// <summary>The URL with the password masked.</summary>
    public override string ToString() => UseWebSocket
        ? $"{Scheme}://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}{Path}"
        : $"{Scheme}://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The WebSocket URI the transport connects to.</summary>
    public string WebSocketUri => $"{Scheme}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}{Path}";

    /// <summary>Parses <c>mqtt://</c>, <c>mqtts://</c>, <c>ws://</c> or <c>wss://</c> URLs, filling default ports.</summary>
    /// <exception cref="SwitchboardConfigurationException">The URL is malformed; the message names the setting and shows the URL with its password masked.</exception>
    /// <param name="url">The URL.</param>
    /// <param name="label">How messages name the setting, e.g. <c>Url (MQTT_URL)</c>.</param>
    /// <param name="setting">The setting reported in <see cref="SwitchboardConfigurationException.Setting"/>.</param>
    public static BrokerEndpoint Parse(string url, string label = "Url", string? setting = null)
    {
        setting ??= label;
        var shown = Secrets.MaskUrl(url);
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || !url.Contains("://", StringComparison.Ordinal))
        {
            throw new SwitchboardConfigurationException(setting, shown, $"{label}='{shown}' is not a valid broker URL; expected mqtt://host[:1883], mqtts://host[:8883], ws://host[:80]/mqtt or wss://host[:443]/mqtt{(url.Contains(',', StringComparison.Ordinal) ? "; to list several brokers, separate complete URLs with commas (mqtt://broker-a:1883,mqtt://broker-b:1883)" : string.Empty)}.");
        }

        var scheme = uri.Scheme.ToLowerInvariant();
        var (useTls, useWebSocket, defaultPort) = scheme switch
        {
            "mqtt" or "tcp" => (false, false, 1883),
            "mqtts" or "ssl" or "tls" => (true, false, 8883),
            "ws" => (false, true, 80),
            "wss" => (true, true, 443),
            _ => throw new SwitchboardConfigurationException(setting, shown, $"{label}='{shown}' has an unsupported scheme '{uri.Scheme}'; use mqtt, mqtts, ws or wss."),
        };

        var host = uri.IdnHost.Trim('[', ']');
        if (string.IsNullOrEmpty(host))
        {
            throw new SwitchboardConfigurationException(setting, shown, $"{label}='{shown}' has no host name.");
        }

        if (host.Contains(',', StringComparison.Ordinal))
        {
            throw new SwitchboardConfigurationException(setting, shown, $"{label}='{shown}' has a comma in its host name '{host}'; to list several brokers, separate complete URLs with commas (mqtt://broker-a:1883,mqtt://broker-b:1883).");
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? defaultPort : uri.Port;
        if (port is < 1 or > 65535)
        {
            throw new SwitchboardConfigurationException(setting, shown, $"{label}='{shown}' has port {port}; it must be between 1 and 65535.");
        }

        var path = uri.AbsolutePath;
        if (useWebSocket && (string.IsNullOrEmpty(path) || path == "/"))
        {
            // Mosquitto, EMQX and HiveMQ all serve MQTT-over-WebSocket at /mqtt; a bare host almost always means that.
            path = "/mqtt";
        }
        else if (!useWebSocket && path is not ("" or "/"))
        {
            throw new SwitchboardConfigurationException(setting, shown, $"{label}='{shown}' has a path '{path}', which only ws:// and wss:// URLs can have.");
        }

        string? user = null, password = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        return new BrokerEndpoint(scheme switch { "tcp" => "mqtt", "ssl" or "tls" => "mqtts", _ => scheme }, host, port, path, useTls, useWebSocket, user, password);
    }
}
