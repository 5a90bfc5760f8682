// A RabbitMQ cluster of N nodes on this machine, for failover tests against a real clustered broker. Debian's
// rabbitmq-server package (3.10.8 on Debian 12) with the rabbitmq_mqtt plugin; what it does with MQTT, as observed:
//
//  - MQTT 3.1.1 only (MQTT 5 arrived in 3.13): a v5 CONNECT is answered by closing the connection, no CONNACK.
//  - QoS 2 is downgraded: a QoS 2 subscription is granted QoS 1 (SUBACK 1).
//  - Each subscriber gets a classic queue (mqtt-subscription-<client id>qos0/qos1) on the node it is connected to:
//    auto-delete for a clean session, durable for a persistent one. A queue lives only on its node, so messages
//    for a subscriber whose node died are lost with the node (clean session), or unreachable until it comes back
//    (persistent session); while the node is down, publishes routed to that queue are dropped.
//  - A node that dies without stopping (SIGKILL) leaves its queues' records behind, marked down. A client that had a
//    subscription there (clean session or not: the queue is named after the client id) and reconnects to another
//    node with the same id waits on that queue: its SUBSCRIBE is not answered, so its connection never completes,
//    until the node comes back or is removed (`rabbitmqctl forget_cluster_node`). After `stop_app` the queues of a
//    clean session are deleted and the move is immediate.
//  - Retained messages are stored per node (rabbit_mqtt_retained_msg_store_dets): a message retained through one node
//    is not delivered to a subscriber of the other.
//
// How the cluster is made: every node is a `rabbitmq-server` process (Debian's /usr/lib/rabbitmq/bin one, not the
// /usr/sbin wrapper that switches to the rabbitmq user) with its own RABBITMQ_NODENAME (sb1@localhost, sb2@localhost…),
// AMQP, MQTT and distribution ports (free ones), RABBITMQ_MNESIA_BASE, RABBITMQ_LOG_BASE, config file and enabled
// plugins file, all under the cluster's temp directory. They share one HOME (the Erlang cookie file) and one private
// epmd (ERL_EPMD_PORT, started here and killed by pid), so two clusters never see each other or a system RabbitMQ.
// Node 2..N join node 1 with `rabbitmqctl stop_app / join_cluster / start_app`. The management plugin is not enabled
// (nothing listens but AMQP, MQTT and the distribution port). A system rabbitmq-server service is never used.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.IntegrationTests.Brokers;

/// <summary>A RabbitMQ node of a <see cref="RabbitMqCluster"/>.</summary>
public sealed class RabbitMqNode
{
    internal RabbitMqNode(string shortName, string directory)
    {
        ShortName = shortName;
        Directory = directory;
        AmqpPort = FreePort.Next();
        MqttPort = FreePort.Next();
        DistributionPort = FreePort.Next();
    }

    /// <summary>sb1, sb2…</summary>
    public string ShortName { get; }

    /// <summary>The Erlang node name, sb1@localhost…</summary>
    public string NodeName => ShortName + "@localhost";

    /// <summary>This node's private directory (config, mnesia, logs, pid file).</summary>
    public string Directory { get; }

    public int AmqpPort { get; }

    public int MqttPort { get; }

    public int DistributionPort { get; }

    /// <summary><c>mqtt://127.0.0.1:&lt;MQTT port&gt;</c>.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"mqtt://127.0.0.1:{MqttPort}");

    /// <summary>The pid of the node's Erlang VM (beam.smp), or null when it is not running.</summary>
    public int? BeamPid { get; internal set; }

    internal Process? Script { get; set; }

    internal string PidFile => Path.Combine(Directory, "beam.pid");

    internal string ConfigFile => Path.Combine(Directory, "rabbitmq.conf");

    internal string PluginsFile => Path.Combine(Directory, "enabled_plugins");

    internal readonly Queue<string> Log = new();

    public override string ToString() => $"{NodeName} {Url}";
}

/// <summary>
/// N RabbitMQ nodes clustered on 127.0.0.1, each with the MQTT plugin. Start with <see cref="StartAsync"/> (13–16 s for
/// two nodes on a 2-core machine: about 10 s to boot them side by side, 4 s for stop_app / join_cluster / start_app);
/// stop a node's broker with <see cref="StopAppAsync"/> (the VM keeps running) or kill its VM with
/// <see cref="KillAsync"/>. There is no way back on purpose: a node rejoining after a fault can wait a long time for
/// the cluster's tables (a start_app after stop_app took over 60 s here, and left an epmd of its own behind), so a test
/// that breaks a node starts a cluster of its own. Dispose kills every process it started (by pid) and deletes the
/// directory.
/// </summary>
public sealed class RabbitMqCluster : IAsyncDisposable
{
    /// <summary>Debian's server script (runs as the current user, unlike the /usr/sbin wrapper).</summary>
    public const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private const string CtlScript = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    private const string Cookie = "SWITCHBOARDTESTCLUSTERCOOKIE";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CtlDeadline = TimeSpan.FromSeconds(60);
    private static readonly ConcurrentDictionary<int, bool> LivePids = new();

    private readonly int _epmdPort = FreePort.Next();
    private Process? _epmd;

    static RabbitMqCluster()
    {
        AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
        {
            foreach (var pid in LivePids.Keys)
            {
                _ = NativeMethods.Kill(pid, 9);
            }
        };
    }

    private RabbitMqCluster(int nodes)
    {
        var root = Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_TMP") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "switchboard-it");
        Directory = Path.Combine(root, $"rabbitmq-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "home"));
        var cookie = Path.Combine(Directory, "home", ".erlang.cookie");
        File.WriteAllText(cookie, Cookie);
        if (!OperatingSystem.IsWindows())
        {
            // Erlang refuses a cookie file others can read.
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        }
        Nodes = [.. Enumerable.Range(1, nodes).Select(i => new RabbitMqNode($"sb{i}", Path.Combine(Directory, $"sb{i}")))];
    }

    /// <summary>True when Debian's rabbitmq-server is installed (scripts/test.sh installs it).</summary>
    public static bool IsInstalled => File.Exists(ServerScript) && File.Exists(CtlScript);

    /// <summary>The cluster's temp directory.</summary>
    public string Directory { get; }

    public IReadOnlyList<RabbitMqNode> Nodes { get; }

    /// <summary>Every node's MQTT URL, comma-separated, in node order (an MQTT_URL list).</summary>
    public string Url => string.Join(',', Nodes.Select(n => n.Url));

    /// <summary>How long <see cref="StartAsync"/> took: nodes booted, joined, MQTT listening on each.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Starts <paramref name="nodes"/> nodes and clusters them.</summary>
    public static async Task<RabbitMqCluster> StartAsync(int nodes = 2)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"RabbitMQ is not installed ({ServerScript}); scripts/test.sh installs it: apt-get install -y rabbitmq-server.");
        }

        var cluster = new RabbitMqCluster(nodes);
        try
        {
            var clock = Stopwatch.StartNew();
            cluster.StartEpmd();
            await Task.WhenAll(cluster.Nodes.Select(cluster.StartNodeCoreAsync));
            foreach (var node in cluster.Nodes.Skip(1))
            {
                await cluster.CtlAsync(node, "stop_app");
                await cluster.CtlAsync(node, "join_cluster", cluster.Nodes[0].NodeName);
                await cluster.CtlAsync(node, "start_app");
            }

            await Task.WhenAll(cluster.Nodes.Select(n => WaitForPortAsync(n.MqttPort, StartDeadline)));
            cluster.StartupTime = clock.Elapsed;
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>rabbitmqctl stop_app</c>: the node's broker stops (its connections close), the VM stays.</summary>
    public Task StopAppAsync(RabbitMqNode node) => CtlAsync(node, "stop_app");

    /// <summary>SIGKILL of the node's Erlang VM (beam.smp): no goodbye to clients or to the other nodes.</summary>
    public async Task KillAsync(RabbitMqNode node)
    {
        if (node.BeamPid is { } pid)
        {
            _ = NativeMethods.Kill(pid, 9);
            LivePids.TryRemove(pid, out _);
            node.BeamPid = null;
        }

        if (node.Script is { } script)
        {
            using var wait = new CancellationTokenSource(StartDeadline);
            await script.WaitForExitAsync(wait.Token);
            script.Dispose();
            node.Script = null;
        }
    }

    /// <summary>Runs <c>rabbitmqctl -n &lt;node&gt; …</c> and returns its output; throws when it fails.</summary>
    public async Task<string> CtlAsync(RabbitMqNode node, params string[] arguments)
    {
        var info = new ProcessStartInfo(CtlScript)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add(node.NodeName);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        SetEnvironment(info, node);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {CtlScript}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(CtlDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"rabbitmqctl -n {node.NodeName} {string.Join(' ', arguments)} did not finish within {CtlDeadline.TotalSeconds:0} s.");
        }

        var output = await stdout + await stderr;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"rabbitmqctl -n {node.NodeName} {string.Join(' ', arguments)} failed ({process.ExitCode}): {output}\nNode log tail:\n{LogTail(node)}");
    }

    /// <summary>The node's last console lines.</summary>
    public static string LogTail(RabbitMqNode node, int lines = 30)
    {
        lock (node.Log)
        {
            return string.Join('\n', node.Log.Skip(Math.Max(0, node.Log.Count - lines)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await KillAsync(node);
        }

        if (_epmd is { } epmd)
        {
            LivePids.TryRemove(epmd.Id, out _);
            try
            {
                epmd.Kill();
                await epmd.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            epmd.Dispose();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort.
        }
    }

    private void StartEpmd()
    {
        var info = new ProcessStartInfo(File.Exists("/usr/bin/epmd") ? "/usr/bin/epmd" : "epmd")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-port");
        info.ArgumentList.Add(_epmdPort.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("-address");
        info.ArgumentList.Add("127.0.0.1");
        _epmd = Process.Start(info) ?? throw new InvalidOperationException("could not start epmd");
        LivePids[_epmd.Id] = true;
        File.WriteAllText(Path.Combine(Directory, "epmd.pid"), _epmd.Id.ToString(CultureInfo.InvariantCulture));
        _epmd.BeginOutputReadLine();
        _epmd.BeginErrorReadLine();
    }

    private async Task StartNodeCoreAsync(RabbitMqNode node)
    {
        System.IO.Directory.CreateDirectory(node.Directory);
        await File.WriteAllTextAsync(node.PluginsFile, "[rabbitmq_mqtt].\n");
        var inv = CultureInfo.InvariantCulture;
        var config = new StringBuilder()
            .AppendLine(inv, $"listeners.tcp.default = 127.0.0.1:{node.AmqpPort}")
            .AppendLine(inv, $"mqtt.listeners.tcp.default = 127.0.0.1:{node.MqttPort}")
            .AppendLine("mqtt.allow_anonymous = true")
            .AppendLine("loopback_users = none")
            .AppendLine("log.console = true")
            .AppendLine("log.console.level = info")
            .AppendLine("log.file = false")
            .ToString();
        await File.WriteAllTextAsync(node.ConfigFile, config);
        File.Delete(node.PidFile);

        var info = new ProcessStartInfo(ServerScript)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = node.Directory,
        };
        SetEnvironment(info, node);
        info.Environment["RABBITMQ_NODE_PORT"] = node.AmqpPort.ToString(inv);
        info.Environment["RABBITMQ_DIST_PORT"] = node.DistributionPort.ToString(inv);
        info.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(node.Directory, "mnesia");
        info.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(node.Directory, "log");
        info.Environment["RABBITMQ_CONFIG_FILE"] = node.ConfigFile;
        info.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = node.PluginsFile;
        info.Environment["RABBITMQ_PID_FILE"] = node.PidFile;

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            lock (node.Log)
            {
                node.Log.Enqueue(line);
                if (node.Log.Count > 2000)
                {
                    node.Log.Dequeue();
                }
            }

            if (line.Contains("Server startup complete", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += onLine;
        process.ErrorDataReceived += onLine;
        process.Start();
        node.Script = process;
        LivePids[process.Id] = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var done = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(StartDeadline));
        if (done != ready.Task)
        {
            throw new InvalidOperationException($"RabbitMQ node {node.NodeName} did not start within {StartDeadline.TotalSeconds:0} s. Log tail:\n{LogTail(node)}");
        }

        var pid = int.Parse((await File.ReadAllTextAsync(node.PidFile)).Trim(), inv);
        node.BeamPid = pid;
        LivePids[pid] = true;
        await File.WriteAllTextAsync(Path.Combine(node.Directory, "rabbitmq.pid"), pid.ToString(inv));
    }

    private void SetEnvironment(ProcessStartInfo info, RabbitMqNode node)
    {
        info.Environment["HOME"] = Path.Combine(Directory, "home");
        info.Environment["ERL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["RABBITMQ_NODENAME"] = node.NodeName;
        info.Environment["LANG"] = "C.UTF-8";
    }

    private static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await socket.ConnectAsync("127.0.0.1", port, attempt.Token);
                return;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {timeout.TotalSeconds:0} s.");
    }
}
