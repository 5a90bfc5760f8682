namespace Switchboard.IntegrationTests.Brokers;

/// <summary>How a client reaches a test broker: one listener of the broker per value.</summary>
public enum Transport
{
    /// <summary>Plain MQTT over TCP, <c>mqtt://</c>.</summary>
    Tcp,

    /// <summary>MQTT over TLS, <c>mqtts://</c>, with the broker's test certificate (see <see cref="ITestBroker.TlsCaFile"/>).</summary>
    Tls,

    /// <summary>MQTT over a WebSocket, <c>ws://…/mqtt</c>, subprotocol <c>mqtt</c>.</summary>
    WebSocket,

    /// <summary>MQTT over a WebSocket over TLS, <c>wss://…/mqtt</c>.</summary>
    SecureWebSocket,
}

/// <summary>URL schemes and helpers for <see cref="Transport"/>.</summary>
public static class TransportExtensions
{
    /// <summary>The URL scheme of <paramref name="transport"/>: <c>mqtt</c>, <c>mqtts</c>, <c>ws</c> or <c>wss</c>.</summary>
    public static string Scheme(this Transport transport) => transport switch
    {
        Transport.Tcp => "mqtt",
        Transport.Tls => "mqtts",
        Transport.WebSocket => "ws",
        Transport.SecureWebSocket => "wss",
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "Unknown transport."),
    };

    /// <summary>True for the transports that run TLS (<see cref="Transport.Tls"/>, <see cref="Transport.SecureWebSocket"/>).</summary>
    public static bool UsesTls(this Transport transport) => transport is Transport.Tls or Transport.SecureWebSocket;

    /// <summary>True for the WebSocket transports.</summary>
    public static bool UsesWebSocket(this Transport transport) => transport is Transport.WebSocket or Transport.SecureWebSocket;

    /// <summary>
    /// The URL of a broker listener for <paramref name="transport"/>: <c>{scheme}://{host}:{port}</c>, with the path
    /// <c>/mqtt</c> for WebSockets.
    /// </summary>
    public static string Url(this Transport transport, string host, int port) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{transport.Scheme()}://{host}:{port}{(transport.UsesWebSocket() ? "/mqtt" : string.Empty)}");
}
