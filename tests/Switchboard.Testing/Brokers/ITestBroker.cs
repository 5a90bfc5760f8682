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
