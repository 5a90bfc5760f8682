using System.Globalization;
using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Bench;

/// <summary>
/// The harness's own Mosquitto on a free loopback port (tests/Switchboard.Testing's MosquittoBroker: generated config
/// with <c>listener &lt;port&gt; 127.0.0.1</c>, <c>allow_anonymous true</c>, <c>set_tcp_nodelay true</c>,
/// <c>max_queued_messages 0</c>, <c>max_inflight_messages 0</c>, <c>max_queued_bytes 0</c>, no persistence),
/// killed on dispose and by <see cref="ExitGuard"/> on a signal. With TLS it also has a second listener,
/// <c>mqtts://127.0.0.1:&lt;port&gt;</c>, whose certificate (for 127.0.0.1) is signed by a CA generated at start;
/// the PEM files live in the broker's own temp directory, deleted on dispose.
/// </summary>
public sealed class PrivateBroker : IAsyncDisposable
{
    private readonly MosquittoBroker _broker;
    private readonly IDisposable _guard;
    private readonly string? _tlsDirectory;

    private PrivateBroker(MosquittoBroker broker, string? tlsDirectory, int tlsPort, TestCertificates? certificates)
    {
        _broker = broker;
        _tlsDirectory = tlsDirectory;
        TlsUrl = certificates is null ? null : string.Create(CultureInfo.InvariantCulture, $"mqtts://127.0.0.1:{tlsPort}");
        CaFile = certificates?.CaFile;
        _guard = ExitGuard.Register(() =>
        {
            broker.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
            DeleteTlsDirectory(tlsDirectory);
        });
    }

    /// <summary>The plain TCP listener, <c>mqtt://127.0.0.1:&lt;port&gt;</c>.</summary>
    public string Url => _broker.Url;

    /// <summary>The TLS listener, <c>mqtts://127.0.0.1:&lt;port&gt;</c>; null when started without TLS.</summary>
    public string? TlsUrl { get; }

    /// <summary>The PEM file of the CA that signed the TLS listener's certificate; null without TLS.</summary>
    public string? CaFile { get; }

    /// <summary>The Mosquitto process, for reading its CPU time; null once it has exited.</summary>
    public int? ProcessId => _broker.ProcessId;

    /// <summary>Starts a private broker when <paramref name="url"/> is null; returns null when a URL was given.</summary>
    public static async Task<PrivateBroker?> StartUnlessAsync(string? url, bool tls = false)
    {
        if (url is not null)
        {
            return null;
        }

        string? directory = null;
        TestCertificates? certificates = null;
        var tlsPort = 0;
        var options = new BrokerOptions();
        if (tls)
        {
            directory = Path.Combine(Path.GetTempPath(), $"switchboard-bench-tls-{Guid.NewGuid():N}");
            Directory.CreateDirectory(directory);
            certificates = TestCertificates.Create(directory);
            tlsPort = FreePort.Next();
            options = options with
            {
                ExtraConfig = string.Create(CultureInfo.InvariantCulture,
                    $"listener {tlsPort} 127.0.0.1\ncafile {certificates.CaFile}\ncertfile {certificates.CertFile}\nkeyfile {certificates.KeyFile}\n"),
            };
        }

        var broker = new MosquittoBroker(options);
        var guarded = new PrivateBroker(broker, directory, tlsPort, certificates);
        try
        {
            await broker.StartAsync();
        }
        catch
        {
            await guarded.DisposeAsync();
            throw;
        }

        return guarded;
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        DeleteTlsDirectory(_tlsDirectory);
        _guard.Dispose();
    }

    private static void DeleteTlsDirectory(string? directory)
    {
        try
        {
            if (directory is not null && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temp directory is harmless.
        }
    }
}
