using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MQTTnet.Server;

namespace Switchboard.HomeAssistant.Tests.Support;

/// <summary>A broker a test owns: started on its own free loopback port, stopped when disposed.</summary>
internal abstract class TestBroker : IAsyncDisposable
{
    public const string Embedded = "mqttnet";
    public const string Mosquitto = "mosquitto";
    public const string MosquittoPath = "/usr/sbin/mosquitto";

    protected TestBroker(int port) => Port = port;

    public abstract string Name { get; }

    public int Port { get; }

    public string Url => string.Create(CultureInfo.InvariantCulture, $"mqtt://127.0.0.1:{Port}");

    /// <summary>Every broker available here: the embedded one always, Mosquitto when installed.</summary>
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string> { Embedded };
            if (File.Exists(MosquittoPath))
            {
                data.Add(Mosquitto);
            }

            return data;
        }
    }

    /// <summary>Mosquitto when installed (the real-world broker), else the embedded one.</summary>
    public static string Preferred => File.Exists(MosquittoPath) ? Mosquitto : Embedded;

    public static async Task<TestBroker> StartAsync(string name) => name switch
    {
        Embedded => await EmbeddedTestBroker.StartAsync(),
        Mosquitto => await MosquittoTestBroker.StartAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown broker."),
    };

    public abstract ValueTask DisposeAsync();

    protected static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}

/// <summary>MQTTnet.Server in process, with a per-client queue large enough never to drop.</summary>
internal sealed class EmbeddedTestBroker : TestBroker
{
    private readonly MqttServer _server;

    private EmbeddedTestBroker(int port, MqttServer server)
        : base(port) => _server = server;

    public override string Name => Embedded;

    public static async Task<EmbeddedTestBroker> StartAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var options = new MqttServerOptionsBuilder()
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
                .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
                .WithDefaultEndpointPort(port)
                .WithMaxPendingMessagesPerClient(100_000)
                .Build();
            var server = new MqttServerFactory().CreateMqttServer(options);
            try
            {
                await server.StartAsync();
                return new EmbeddedTestBroker(port, server);
            }
            catch (SocketException) when (attempt < 5)
            {
                server.Dispose();
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
    }
}

/// <summary>A Mosquitto process with a generated config, killed by its pid at the end.</summary>
internal sealed class MosquittoTestBroker : TestBroker
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log;

    private MosquittoTestBroker(int port, Process process, string directory, StringBuilder log)
        : base(port)
    {
        _process = process;
        _directory = directory;
        _log = log;
    }

    public override string Name => Mosquitto;

    public static async Task<MosquittoTestBroker> StartAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var directory = Directory.CreateTempSubdirectory("sb-ha-mosquitto-").FullName;
            var config = Path.Combine(directory, "mosquitto.conf");
            var lines = new List<string> { $"listener {port} 127.0.0.1", "allow_anonymous true", "persistence false", "log_dest stderr", "max_queued_messages 0" };
            if (Environment.UserName == "root")
            {
                lines.Insert(0, "user root");
            }

            await File.WriteAllLinesAsync(config, lines);
            var log = new StringBuilder();
            var process = new Process
            {
                StartInfo = new ProcessStartInfo(MosquittoPath, ["-c", config])
                {
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                },
            };
            process.ErrorDataReceived += (_, e) =>
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            };
            process.Start();
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            if (await WaitForPortAsync(port, process))
            {
                return new MosquittoTestBroker(port, process, directory, log);
            }

            Kill(process);
            process.Dispose();
            Directory.Delete(directory, recursive: true);
            if (attempt >= 5)
            {
                string text;
                lock (log)
                {
                    text = log.ToString();
                }

                throw new InvalidOperationException($"Mosquitto did not listen on port {port}: {text}");
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Kill(_process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<bool> WaitForPortAsync(int port, Process process)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 10);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process.HasExited)
            {
                return false;
            }

            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }

        return false;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
