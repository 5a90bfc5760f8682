// A Mosquitto 2.x broker process for integration tests, configured so that the broker itself never loses a message
// the tests did not ask it to lose. Choices in the generated config (checked against mosquitto 2.0.11):
//
//  - max_queued_messages 0      The default (1000 per client) silently drops QoS 1/2 messages for slow or offline
//                               clients. 0 means "no maximum" in 2.0.11: verified with 5000 QoS 1 messages queued
//                               for an offline persistent session, all 5000 delivered (the default delivers 1000).
//  - max_queued_bytes 0         No byte limit either (the default, made explicit).
//  - max_inflight_messages 0    No per-client limit on QoS 1/2 messages in flight (default 20). This throttles rather
//                               than drops, but lifts the limit so throughput tests measure the client.
//  - max_inflight_bytes 0       Default, explicit.
//  - message_size_limit 0       Default (any valid size), explicit.
//  - queue_qos0_messages false  Default and the spec: QoS 0 is not queued for offline clients.
//  - persistent_client_expiration (unset)  Persistent sessions never expire.
//  - set_tcp_nodelay true       No Nagle delay on small packets (latency, not loss).
//  - persistence                Only with BrokerOptions.Persistence. Then autosave_interval 1 together with
//                               autosave_on_changes true writes mosquitto.db after every change (retained message,
//                               subscription, queued message), so state survives even SIGKILL, which skips the save
//                               Mosquitto normally does at exit. The default (save every 30 minutes and at exit) would
//                               lose everything on SIGKILL. The save is not guaranteed to have happened when the
//                               PUBACK arrives: a test that kills right after a publish should first wait for
//                               PersistenceFilePath to contain what it needs (see BrokerPersistenceTests).
//  - user root                  Only when the tests run as root: otherwise Mosquitto drops to the 'mosquitto' user
//                               and cannot write the test's temp directory.
//  - listeners                  Four, all on 127.0.0.1, each on its own port: MQTT over TCP (Port), TLS (PortFor(Tls)),
//                               WebSocket (protocol websockets) and WebSocket over TLS. The TLS ones use a server
//                               certificate made at test time (TestCertificates) and written as PEM into Directory.
//  - log_type                   One type per line: Mosquitto 2.0.11 reads only the first type on a log_type line.
//
// Other observed 2.0.11 behaviour worth knowing:
//  - A wrong password, an unknown user or an anonymous client on a broker that requires credentials is refused with
//    "Not authorized" (3.1.1 return code 5, v5 reason 0x87), never with "Bad user name or password" (4 / 0x86).
//  - On SIGTERM it closes client connections without a DISCONNECT packet, even for v5 clients, so MQTTnet clients
//    report the same DisconnectedAsync reason (NormalDisconnection, no exception) as after a SIGKILL.
//  - With max_inflight_messages 0 the v5 CONNACK carries no Receive Maximum (unlimited).

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Switchboard.IntegrationTests.Brokers;

/// <summary>
/// A Mosquitto process started from a generated config in its own temp directory, listening on 127.0.0.1 only.
/// Stop sends SIGTERM, kill sends SIGKILL, both to the broker's pid. Dispose kills the process and deletes the directory.
/// </summary>
public sealed class MosquittoBroker : ITestBroker
{
    /// <summary>The value of <see cref="Name"/>.</summary>
    public const string BrokerName = "mosquitto";

    const int SigTerm = 15;
    const int SigKill = 9;
    const int MaxLogLines = 20_000;
    static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(10);
    static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(10);
    static readonly ConcurrentDictionary<int, Process> LiveProcesses = new();
    static readonly Lazy<string> Executable = new(() => ResolveTool("mosquitto", "SWITCHBOARD_MOSQUITTO"));
    static readonly Lazy<string> PasswdExecutable = new(() => ResolveTool("mosquitto_passwd", "SWITCHBOARD_MOSQUITTO_PASSWD"));

    readonly SemaphoreSlim _lifecycle = new(1, 1);
    readonly object _logGate = new();
    readonly Queue<string> _log = new();
    Process? _process;
    int _port;
    int _tlsPort;
    int _webSocketPort;
    int _secureWebSocketPort;
    int _starts;
    bool _everStarted;
    bool _disposed;

    static MosquittoBroker()
    {
        // Last line of defence against orphaned brokers when the test host exits without disposing them.
        AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
        {
            foreach (var process in LiveProcesses.Values)
            {
                TryKill(process);
            }
        };
    }

    /// <summary>Creates the broker (not started) and its temp directory.</summary>
    public MosquittoBroker(BrokerOptions? options = null)
    {
        Options = options ?? BrokerOptions.Default;
        Options.Validate();
        _port = Options.Port ?? FreePort.Next();
        PickListenerPorts();
        var root = Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_TMP") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "switchboard-it");
        Directory = Path.Combine(root, $"mosquitto-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        if (Options.Persistence)
        {
            System.IO.Directory.CreateDirectory(PersistenceDirectory);
        }

        Tls = TestCertificates.For(Options.TlsServerNames).WritePem(Directory);
    }

    /// <inheritdoc />
    public string Name => BrokerName;

    /// <inheritdoc />
    public string Host => "127.0.0.1";

    /// <inheritdoc />
    /// <remarks>When the port was picked automatically and the first start loses a bind race, the broker moves to another free port.</remarks>
    public int Port => Volatile.Read(ref _port);

    /// <inheritdoc />
    public string Url => string.Create(CultureInfo.InvariantCulture, $"mqtt://{Host}:{Port}");

    /// <inheritdoc />
    public string TlsCaFile => Tls.CaFile;

    /// <summary>The PEM files of the TLS listeners, in <see cref="Directory"/>.</summary>
    public TlsFiles Tls { get; }

    /// <inheritdoc />
    public BrokerOptions Options { get; }

    /// <inheritdoc />
    public bool Supports(Transport transport) => Enum.IsDefined(transport);

    /// <inheritdoc />
    public int PortFor(Transport transport) => transport switch
    {
        Transport.Tcp => Port,
        Transport.Tls => Volatile.Read(ref _tlsPort),
        Transport.WebSocket => Volatile.Read(ref _webSocketPort),
        Transport.SecureWebSocket => Volatile.Read(ref _secureWebSocketPort),
        _ => throw new NotSupportedException($"Mosquitto has no listener for transport {transport}."),
    };

    /// <inheritdoc />
    public string UrlFor(Transport transport) => transport.Url(Host, PortFor(transport));

    /// <inheritdoc />
    public bool IsRunning => _process is { HasExited: false };

    /// <inheritdoc />
    public bool SupportsSigkill => true;

    /// <summary>The broker's private temp directory (config, password file, persistence database).</summary>
    public string Directory { get; }

    /// <summary>The generated config file.</summary>
    public string ConfigPath => Path.Combine(Directory, "mosquitto.conf");

    /// <summary>Where Mosquitto writes <c>mosquitto.db</c> when <see cref="BrokerOptions.Persistence"/> is on: a
    /// <c>data</c> folder in <see cref="Directory"/>, or one named like it in <see cref="BrokerOptions.PersistenceParent"/>.</summary>
    public string PersistenceDirectory => Options.PersistenceParent is { } parent
        ? Path.Combine(parent, Path.GetFileName(Directory))
        : Path.Combine(Directory, "data");

    /// <summary>The persistence database (exists only with persistence, after the first save).</summary>
    public string PersistenceFilePath => Path.Combine(PersistenceDirectory, "mosquitto.db");

    /// <summary>The pid of the running broker process, or null.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>The mosquitto executable used (PATH, then /usr/sbin and friends; override with SWITCHBOARD_MOSQUITTO).</summary>
    public static string ExecutablePath => Executable.Value;

    /// <summary>Everything the broker logged so far, across restarts (the last 20,000 lines).</summary>
    public Task<string> ReadLogAsync()
    {
        lock (_logGate)
        {
            return Task.FromResult(string.Join('\n', _log));
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the log, for exception messages.</summary>
    public string LogTail(int lines = 40)
    {
        lock (_logGate)
        {
            return string.Join('\n', _log.Skip(Math.Max(0, _log.Count - lines)));
        }
    }

    /// <inheritdoc />
    public async Task StartAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (IsRunning)
            {
                throw new InvalidOperationException($"Mosquitto is already running on port {Port}.");
            }

            await StartCoreAsync();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc />
    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            await StopCoreAsync(SigTerm);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc />
    public async Task KillAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            await StopCoreAsync(SigKill);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc />
    public async Task RestartAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await StopCoreAsync(SigTerm);
            await StartCoreAsync();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Kills the process (SIGKILL) and deletes the temp directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await StopCoreAsync(SigKill);
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
                if (Options.Persistence && Options.PersistenceParent is not null && System.IO.Directory.Exists(PersistenceDirectory))
                {
                    System.IO.Directory.Delete(PersistenceDirectory, recursive: true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover temp directory is harmless.
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Url}";

    async Task StartCoreAsync()
    {
        if (Options.RequiresCredentials && !File.Exists(PasswordFilePath))
        {
            await CreatePasswordFileAsync();
        }

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var outcome = await TryStartOnceAsync(deadline);
            if (outcome == StartOutcome.Running)
            {
                _everStarted = true;
                return;
            }

            if (outcome == StartOutcome.AddressInUse && !_everStarted && Options.Port is null)
            {
                // Lost a race for an automatically picked port before anyone saw it in use: move to other ones.
                Volatile.Write(ref _port, FreePort.Next());
                PickListenerPorts();
                continue;
            }

            if (outcome == StartOutcome.AddressInUse && _everStarted && deadline.Elapsed < StartDeadline)
            {
                // Restart on the same port while the old socket is still being released: try again shortly.
                await Task.Delay(100);
                continue;
            }

            var reason = outcome switch
            {
                StartOutcome.AddressInUse => "the port is already in use",
                StartOutcome.PortNotAccepting => $"it logged 'running' but the port did not accept connections within {StartDeadline.TotalSeconds:0} s",
                _ => $"it exited or did not log 'running' within {StartDeadline.TotalSeconds:0} s",
            };
            throw new InvalidOperationException(
                $"Mosquitto ({ExecutablePath}) failed to start on 127.0.0.1:{Port}: {reason}. Config: {ConfigPath}. Log tail:\n{LogTail()}");
        }
    }

    async Task<StartOutcome> TryStartOnceAsync(Stopwatch deadline)
    {
        var start = Interlocked.Increment(ref _starts);
        var port = Port;
        await File.WriteAllTextAsync(ConfigPath, BuildConfig(port, start));
        AppendLog($"---- start #{start.ToString(CultureInfo.InvariantCulture)} on port {port.ToString(CultureInfo.InvariantCulture)} ----");

        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var addressInUse = false;
        var startInfo = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(ConfigPath);

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            AppendLog(line);
            if (line.Contains("Address already in use", StringComparison.Ordinal))
            {
                Volatile.Write(ref addressInUse, true);
            }

            if (line.Contains("mosquitto version", StringComparison.Ordinal) && line.EndsWith(" running", StringComparison.Ordinal))
            {
                running.TrySetResult();
            }
        };
        process.ErrorDataReceived += onLine;
        process.OutputDataReceived += onLine;

        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{ExecutablePath}': {ex.Message}", ex);
        }

        LiveProcesses[process.Id] = process;
        await File.WriteAllTextAsync(Path.Combine(Directory, "mosquitto.pid"), process.Id.ToString(CultureInfo.InvariantCulture));
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        // Ready = Mosquitto logged "running" (listeners are open) and the port accepts a TCP connection.
        var exited = process.WaitForExitAsync();
        var remaining = StartDeadline - deadline.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.WhenAny(running.Task, exited, Task.Delay(remaining));
        }

        if (running.Task.IsCompleted && !process.HasExited && await ProbeAsync(port, process, deadline))
        {
            _process = process;
            return StartOutcome.Running;
        }

        if (!process.HasExited)
        {
            TryKill(process);
            await WaitForExitAsync(process, StopDeadline);
        }

        LiveProcesses.TryRemove(process.Id, out _);
        process.Dispose();
        if (Volatile.Read(ref addressInUse))
        {
            return StartOutcome.AddressInUse;
        }

        return running.Task.IsCompleted ? StartOutcome.PortNotAccepting : StartOutcome.ExitedOrTimedOut;
    }

    async Task<bool> ProbeAsync(int port, Process process, Stopwatch deadline)
    {
        while (deadline.Elapsed < StartDeadline && !process.HasExited)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await socket.ConnectAsync("127.0.0.1", port, attempt.Token);
                return true;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                await Task.Delay(20);
            }
        }

        return false;
    }

    async Task StopCoreAsync(int signal)
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                if (signal == SigKill)
                {
                    TryKill(process);
                }
                else if (SendSignal(process.Id, signal) != 0)
                {
                    TryKill(process);
                }

                if (!await WaitForExitAsync(process, StopDeadline))
                {
                    AppendLog($"---- no exit {StopDeadline.TotalSeconds:0} s after signal {signal.ToString(CultureInfo.InvariantCulture)}; sending SIGKILL ----");
                    TryKill(process);
                    if (!await WaitForExitAsync(process, StopDeadline))
                    {
                        throw new InvalidOperationException($"Mosquitto pid {process.Id} did not exit after SIGKILL. Log tail:\n{LogTail()}");
                    }
                }
            }

            AppendLog($"---- exited with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)} ----");
        }
        finally
        {
            LiveProcesses.TryRemove(process.Id, out _);
            process.Dispose();
        }
    }

    static async Task<bool> WaitForExitAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return process.HasExited;
        }
    }

    static void TryKill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Already exited.
        }
    }

    string PasswordFilePath => Path.Combine(Directory, "passwd");

    void PickListenerPorts()
    {
        Volatile.Write(ref _tlsPort, FreePort.Next());
        Volatile.Write(ref _webSocketPort, FreePort.Next());
        Volatile.Write(ref _secureWebSocketPort, FreePort.Next());
    }

    string BuildConfig(int port, int start)
    {
        var inv = CultureInfo.InvariantCulture;
        var config = new StringBuilder();
        config.AppendLine(inv, $"# Generated by Switchboard.IntegrationTests MosquittoBroker, start #{start}.");
        config.AppendLine("per_listener_settings false");
        if (string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            config.AppendLine("user root");
        }

        config.AppendLine(inv, $"listener {port} 127.0.0.1");
        if (Options.RequiresCredentials)
        {
            config.AppendLine("allow_anonymous false");
            config.AppendLine(inv, $"password_file {PasswordFilePath}");
        }
        else
        {
            config.AppendLine("allow_anonymous true");
        }

        config.AppendLine("max_queued_messages 0");
        config.AppendLine("max_queued_bytes 0");
        config.AppendLine("max_inflight_messages 0");
        config.AppendLine("max_inflight_bytes 0");
        config.AppendLine("message_size_limit 0");
        config.AppendLine("queue_qos0_messages false");
        config.AppendLine("set_tcp_nodelay true");
        if (Options.Persistence)
        {
            config.AppendLine("persistence true");
            config.AppendLine(inv, $"persistence_location {PersistenceDirectory}");
            config.AppendLine("persistence_file mosquitto.db");
            config.AppendLine("autosave_interval 1");
            config.AppendLine("autosave_on_changes true");
        }
        else
        {
            config.AppendLine("persistence false");
        }

        config.AppendLine("log_dest stderr");
        foreach (var type in new[] { "error", "warning", "notice", "information", "subscribe", "unsubscribe" })
        {
            config.AppendLine(inv, $"log_type {type}");
        }

        config.AppendLine("connection_messages true");
        config.AppendLine("log_timestamp true");
        config.AppendLine("log_timestamp_format %H:%M:%S");
        // The other transports; per-listener options (protocol, certificate) follow their listener line.
        config.AppendLine(inv, $"listener {PortFor(Transport.Tls)} 127.0.0.1");
        AppendTls(config);
        config.AppendLine(inv, $"listener {PortFor(Transport.WebSocket)} 127.0.0.1");
        config.AppendLine("protocol websockets");
        config.AppendLine(inv, $"listener {PortFor(Transport.SecureWebSocket)} 127.0.0.1");
        config.AppendLine("protocol websockets");
        AppendTls(config);
        if (Options.ExtraConfig is { } extra)
        {
            config.AppendLine(extra);
        }

        return config.ToString();
    }

    void AppendTls(StringBuilder config)
    {
        var inv = CultureInfo.InvariantCulture;
        config.AppendLine(inv, $"cafile {Tls.CaFile}");
        config.AppendLine(inv, $"certfile {Tls.CertificateFile}");
        config.AppendLine(inv, $"keyfile {Tls.KeyFile}");
    }

    async Task CreatePasswordFileAsync()
    {
        var startInfo = new ProcessStartInfo(PasswdExecutable.Value)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-b", "-c", PasswordFilePath, Options.Username!, Options.Password! })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start '{PasswdExecutable.Value}'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!await WaitForExitAsync(process, StopDeadline))
        {
            TryKill(process);
            throw new InvalidOperationException("mosquitto_passwd did not finish within 10 s.");
        }

        var output = (await stdout) + (await stderr);
        if (process.ExitCode != 0 || !File.Exists(PasswordFilePath))
        {
            throw new InvalidOperationException($"mosquitto_passwd failed with exit code {process.ExitCode}: {output}");
        }
    }

    void AppendLog(string line)
    {
        lock (_logGate)
        {
            _log.Enqueue(line);
            while (_log.Count > MaxLogLines)
            {
                _log.Dequeue();
            }
        }
    }

    static string ResolveTool(string name, string overrideVariable)
    {
        if (Environment.GetEnvironmentVariable(overrideVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{overrideVariable}='{configured}' does not exist.");
        }

        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin", "/opt/homebrew/sbin", "/opt/homebrew/bin"]);
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{name}' was not found on PATH or in /usr/sbin. Install Mosquitto (scripts/test.sh does: apt-get install -y mosquitto mosquitto-clients) " +
            $"or set {overrideVariable}.");
    }

    static int SendSignal(int pid, int signal) => NativeMethods.Kill(pid, signal);

    enum StartOutcome
    {
        Running,
        AddressInUse,
        PortNotAccepting,
        ExitedOrTimedOut,
    }
}

/// <summary>POSIX kill(2), for SIGTERM (the BCL only offers SIGKILL through Process.Kill).</summary>
static class NativeMethods
{
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static extern int Kill(int pid, int sig);
}
