using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Switchboard.Bench;

/// <summary>
/// MQTT.js 5 through bench/node-peer/peer.js, one child process per run (<c>node peer.js &lt;mode&gt; …</c>, one JSON
/// result line on stdout). CPU (/proc/&lt;pid&gt;/stat utime + stime, 10 ms ticks) and context switches
/// (/proc/&lt;pid&gt;/task/*/status) are read between the peer's "ready" line and its result line; peak RSS is VmHWM.
/// The peer connects with the target's URL, <c>protocolVersion</c> (4 or 5) and, for TLS, the CA file
/// (<c>ca</c>, <c>rejectUnauthorized: true</c>).
/// </summary>
public sealed class NodeBenchClient : IBenchClient
{
    readonly string? _peerDirectory;
    readonly string? _unavailable;

    NodeBenchClient(string? peerDirectory, string? unavailable)
    {
        _peerDirectory = peerDirectory;
        _unavailable = unavailable;
    }

    public string Name => ResultTable.MqttJs;

    public string? Unavailable => _unavailable;

    /// <summary>
    /// Finds bench/node-peer and, when its node_modules is missing, installs it: <c>npm ci</c> (exactly the committed
    /// package-lock.json), or <c>npm install</c> when there is no lock file. Any failure makes the MQTT.js rows a note.
    /// </summary>
    public static async Task<NodeBenchClient> CreateAsync()
    {
        var directory = FindPeerDirectory();
        if (directory is null)
        {
            return new NodeBenchClient(null, "bench/node-peer/peer.js not found");
        }

        if (!Directory.Exists(Path.Combine(directory, "node_modules", "mqtt")))
        {
            var command = File.Exists(Path.Combine(directory, "package-lock.json")) ? "ci" : "install";
            Console.Error.WriteLine($"installing MQTT.js: npm {command} --prefix {directory}");
            var (code, output) = await RunToEndAsync("npm", directory, TimeSpan.FromMinutes(3), command, "--prefix", directory, "--no-audit", "--no-fund");
            if (code != 0)
            {
                return new NodeBenchClient(null, $"npm {command} failed ({code}): {output.Split('\n').LastOrDefault(l => l.Length > 0)}");
            }
        }

        var (nodeCode, _) = await RunToEndAsync("node", directory, TimeSpan.FromSeconds(20), "--version");
        return nodeCode == 0 ? new NodeBenchClient(directory, null) : new NodeBenchClient(null, "node not runnable");
    }

    static string? FindPeerDirectory()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "node-peer");
                if (File.Exists(Path.Combine(candidate, "peer.js")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    static async Task<(int Code, string Output)> RunToEndAsync(string file, string directory, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            using var process = ChildProcesses.Start(info);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                ChildProcesses.Kill(process);
                return (-1, "timed out");
            }

            ChildProcesses.Forget(process);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (-1, ex.Message);
        }
    }

    async Task<RunResult> RunPeerAsync(int messages, params string[] args)
    {
        if (_peerDirectory is null)
        {
            return RunResult.Skip($"MQTT.js skipped: {_unavailable}");
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = _peerDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("peer.js");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = ChildProcesses.Start(info);
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(180));
            var ready = await ReadJsonAsync(process, cts.Token);
            if (ready.TryGetProperty("error", out var startError))
            {
                return RunResult.Skip($"MQTT.js peer failed: {startError.GetString()}");
            }

            var usage0 = ResourceUsage.Of(process.Id);
            await process.StandardInput.WriteLineAsync("go");
            await process.StandardInput.FlushAsync();
            var result = await ReadJsonAsync(process, cts.Token);
            var usage = ResourceUsage.Of(process.Id) - usage0;
            var peak = PeakRss.Of(process.Id);
            await process.StandardInput.WriteLineAsync("exit");
            await process.StandardInput.FlushAsync();
            if (result.TryGetProperty("error", out var error))
            {
                return RunResult.Skip($"MQTT.js peer failed: {error.GetString()}");
            }

            return new RunResult
            {
                MsgPerSec = Number(result, "msgPerSec"),
                P50 = Number(result, "p50"),
                P99 = Number(result, "p99"),
                Max = Number(result, "max"),
                Missing = (long)Zero(Number(result, "missing")),
                Duplicates = (long)Zero(Number(result, "duplicates")),
                OutOfOrder = (long)Zero(Number(result, "outOfOrder")),
                CpuUsPerMsg = usage.CpuUs / messages,
                ContextSwitchesPerMsg = usage.ContextSwitches / (double)messages,
                PeakWorkingSetMb = peak,
            };
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or JsonException or IOException)
        {
            ChildProcesses.Kill(process);
            var tail = (await stderr).Split('\n').LastOrDefault(l => l.Length > 0);
            return RunResult.Skip($"MQTT.js peer failed: {ex.Message} {tail}");
        }
        finally
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
            }

            ChildProcesses.Kill(process);
        }
    }

    static double Zero(double value) => double.IsNaN(value) ? 0 : value;

    static double Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.NaN;

    static async Task<JsonElement> ReadJsonAsync(Process process, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(cancellationToken)
                ?? throw new InvalidOperationException("the MQTT.js peer exited early");
            if (line.StartsWith('{'))
            {
                return JsonDocument.Parse(line).RootElement.Clone();
            }
        }
    }

    static string S(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The target's URL, protocol level (4 = 3.1.1, 5) and CA file, the same for every peer mode.</summary>
    static string[] Connection(BenchTarget target) =>
        target.CaFile is { } ca
            ? ["--url", target.Url, "--protocol", S(target.ProtocolLevel), "--ca", ca]
            : ["--url", target.Url, "--protocol", S(target.ProtocolLevel)];

    public Task<RunResult> ThroughputAsync(BenchTarget target, int qos, int count) =>
        RunPeerAsync(count, ["throughput", .. Connection(target), "--topic", $"bench/{RunIds.Next()}/node", "--qos", S(qos), "--count", S(count), "--warmup", S(Math.Min(count, 5000))]);

    public Task<RunResult> LatencyAsync(BenchTarget target, int rate, int warmup, int count) =>
        RunPeerAsync(count, ["latency", .. Connection(target), "--topic", $"bench/{RunIds.Next()}/node-lat", "--qos", "1", "--count", S(count), "--warmup", S(warmup), "--rate", S(rate)]);

    public Task<RunResult> EnvelopeAsync(BenchTarget target, int count) =>
        RunPeerAsync(count, ["envelope", .. Connection(target), "--topic", $"bench/{RunIds.Next()}/node-env", "--qos", "1", "--count", S(count), "--warmup", S(Math.Min(count, 5000))]);

    public Task<RunResult> PostOfflineAsync(BenchTarget target, int count) =>
        RunPeerAsync(count, ["offline", .. Connection(target), "--topic", "bench/offline", "--qos", "1", "--count", S(count)]);
}
