namespace Switchboard.IntegrationTests.Brokers;

/// <summary>
/// A broker owned by one test (or one test class through a fixture), listening on its own loopback port.
/// The port stays the same across <see cref="StopAsync"/>, <see cref="KillAsync"/> and <see cref="RestartAsync"/>, so a
/// client configured with <see cref="Url"/> can reconnect to the restarted broker.
/// </summary>
public interface ITestBroker : IAsyncDisposable
{
    /// <summary>"mosquitto" or "mqttnet" (see <see cref="TestBrokers"/>).</summary>
    string Name { get; }

    /// <summary>Always 127.0.0.1.</summary>
    string Host { get; }

    /// <summary>The loopback TCP port; known from construction on.</summary>
    int Port { get; }

    /// <summary><c>mqtt://127.0.0.1:{Port}</c>.</summary>
    string Url { get; }

    /// <summary>
    /// The CA certificate (PEM file) that signed the certificate of the TLS listeners: a client that trusts it (and
    /// nothing else) verifies the broker. The server certificate is valid for <see cref="BrokerOptions.TlsServerNames"/>.
    /// </summary>
    string TlsCaFile { get; }

    /// <summary>True when the broker has a listener for <paramref name="transport"/>.</summary>
    bool Supports(Transport transport);

    /// <summary>The loopback port of the listener for <paramref name="transport"/> (<see cref="Port"/> for TCP).</summary>
    /// <exception cref="NotSupportedException">The broker has no such listener (see <see cref="Supports"/>).</exception>
    int PortFor(Transport transport);

    /// <summary>
    /// The URL of the listener for <paramref name="transport"/>, e.g. <c>mqtts://127.0.0.1:{port}</c> or
    /// <c>ws://127.0.0.1:{port}/mqtt</c>; <see cref="Url"/> for TCP.
    /// </summary>
    /// <exception cref="NotSupportedException">The broker has no such listener (see <see cref="Supports"/>).</exception>
    string UrlFor(Transport transport);

    /// <summary>The options the broker was created with.</summary>
    BrokerOptions Options { get; }

    /// <summary>True between a successful start and the next stop or kill.</summary>
    bool IsRunning { get; }

    /// <summary>True when <see cref="KillAsync"/> really is a SIGKILL of a broker process.</summary>
    bool SupportsSigkill { get; }

    /// <summary>Starts the broker and returns once it accepts TCP connections.</summary>
    Task StartAsync();

    /// <summary>
    /// Graceful stop: SIGTERM for Mosquitto (which closes connections without a DISCONNECT packet), <c>StopAsync</c>
    /// for MQTTnet (which first sends v5 clients DISCONNECT "server shutting down").
    /// </summary>
    Task StopAsync();

    /// <summary>Abrupt stop: SIGKILL for Mosquitto; for MQTTnet the closest equivalent, closing every connection without a DISCONNECT.</summary>
    Task KillAsync();

    /// <summary>Graceful stop followed by a start on the same port.</summary>
    Task RestartAsync();
}
