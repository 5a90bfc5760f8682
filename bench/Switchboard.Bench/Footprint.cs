using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Switchboard.Bench;

/// <summary>
/// The <c>--footprint</c> mode: what one small always-on service costs to run. The same service three ways — the
/// StatusPublisher sample (Generic Host, <c>AddSwitchboard</c>, a QoS 1 status every second) as the usual JIT app and
/// as a Native AOT executable, and its Python asyncio-mqtt equivalent (bench/footprint/status_publisher.py on Debian's
/// /usr/bin/python3) — each started as a fresh process against a private Mosquitto, with health on. Per service:
/// start → connected (process start until its retained <c>ready</c> health envelope reaches a subscriber: the
/// connection is up and the first publish went through), resident memory (VmRSS from /proc) after some idle seconds
/// connected, its peak (VmHWM), and what has to be deployed (the app, and the app with its runtime).
/// </summary>
public static class Footprint
{
    private sealed record Service(string Name, string FileName, string[] Arguments, bool Dotnet, Func<(long App, long WithRuntime)> Size);

    private sealed record Sample(double StartMs, double RssMb, double PeakMb);

    public static async Task<int> RunAsync(string? url, int reps, int idleSeconds, bool build, IReadOnlyList<string> extraEnv)
    {
        var root = RepoRoot();
        var sample = Path.Combine(root, "samples", "StatusPublisher");
        var jitDir = Path.Combine(sample, "bin", "Release", "net10.0");
        var aotDir = Path.Combine(jitDir, "linux-x64", "publish");
        var script = Path.Combine(root, "bench", "footprint", "status_publisher.py");
        if (build)
        {
            await RunToEndAsync("dotnet", ["build", sample, "-c", "Release", "-nodeReuse:false"], TimeSpan.FromMinutes(5));
            await RunToEndAsync("dotnet", ["publish", sample, "-c", "Release", "-r", RuntimeIdentifier(), "-nodeReuse:false"], TimeSpan.FromMinutes(8));
        }

        Service[] services =
        [
            new("StatusPublisher, JIT (Generic Host)", Path.Combine(jitDir, "StatusPublisher"), [], true,
                () => (FolderBytes(jitDir, recursive: false), FolderBytes(jitDir, recursive: false) + FolderBytes(Path.GetDirectoryName(typeof(object).Assembly.Location)!, recursive: true))),
            new("StatusPublisher, Native AOT (Generic Host)", Path.Combine(aotDir, "StatusPublisher"), [], true,
                () => (new FileInfo(Path.Combine(aotDir, "StatusPublisher")).Length, new FileInfo(Path.Combine(aotDir, "StatusPublisher")).Length)),
            new("Python 3 asyncio-mqtt (equivalent service)", "/usr/bin/python3", [script], false, () => PythonSize(script)),
        ];
        foreach (var service in services.Where(s => !File.Exists(s.FileName)))
        {
            Console.Error.WriteLine($"footprint: {service.FileName} is missing (run without --no-build)");
            return 1;
        }

        await using var broker = await PrivateBroker.StartUnlessAsync(url);
        url ??= broker!.Url;
        var ready = new System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<long>>();
        await using var monitor = new SwitchboardClient(new SwitchboardOptions { Url = url, ClientId = $"footprint-monitor-{Environment.ProcessId}" });
        await monitor.ConnectAsync();
        await using var subscription = await monitor.SubscribeAsync("system/health/+", (message, _) =>
        {
            var at = Stopwatch.GetTimestamp();
            using var json = JsonDocument.Parse(message.Payload);
            if (json.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("event", out var e) && e.GetString() == "ready")
            {
                ready.GetOrAdd(message.Topic["system/health/".Length..], _ => new()).TrySetResult(at);
            }

            return ValueTask.CompletedTask;
        });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"footprint: {reps} fresh starts per service (after one unrecorded warm-up start each), VmRSS after {idleSeconds} s connected; broker {url}; {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
        if (extraEnv.Count > 0)
        {
            Console.WriteLine($"environment of the .NET services: {string.Join(' ', extraEnv)}");
        }

        var samples = services.ToDictionary(s => s, _ => new List<Sample>());
        for (var rep = -1; rep < reps; rep++)
        {
            foreach (var service in services)
            {
                var result = await MeasureAsync(service, url, $"footprint-{Array.IndexOf(services, service)}-{rep + 1}-{Environment.ProcessId}", idleSeconds, extraEnv, ready);
                if (rep >= 0)
                {
                    samples[service].Add(result);
                }
            }
        }

        Console.WriteLine("| service | start → connected ms (median, min–max) | idle VmRSS MB (median) | peak VmHWM MB | app MB | app + runtime MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var service in services)
        {
            var runs = samples[service];
            var (app, withRuntime) = service.Size();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {service.Name} | {Stats.Median(runs.Select(r => r.StartMs)):0} ({runs.Min(r => r.StartMs):0}–{runs.Max(r => r.StartMs):0}) | {Stats.Median(runs.Select(r => r.RssMb)):0.0} | {Stats.Median(runs.Select(r => r.PeakMb)):0.0} | {app / 1e6:0.0} | {withRuntime / 1e6:0.0} |"));
        }

        var aot = samples[services[1]];
        var python = samples[services[2]];
        var rssMet = Stats.Median(aot.Select(r => r.RssMb)) <= Stats.Median(python.Select(r => r.RssMb));
        var startMet = Stats.Median(aot.Select(r => r.StartMs)) <= 100;
        Console.WriteLine($"targets: AOT idle RSS ≤ Python's: {(rssMet ? "met" : "NOT met")}; AOT start → connected ≤ 100 ms: {(startMet ? "met" : "NOT met")}");
        return 0;
    }

    private static async Task<Sample> MeasureAsync(Service service, string url, string clientId, int idleSeconds, IReadOnlyList<string> extraEnv,
        System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<long>> ready)
    {
        var info = new ProcessStartInfo(service.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in service.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["MQTT_URL"] = url;
        info.Environment["MQTT_CLIENT_ID"] = clientId;
        info.Environment["MQTT_ENABLE_HEALTH"] = "true";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        if (service.Dotnet)
        {
            foreach (var pair in extraEnv)
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                info.Environment[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        var seen = ready.GetOrAdd(clientId, _ => new());
        var started = Stopwatch.GetTimestamp();
        var process = ChildProcesses.Start(info);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            var connected = await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var startMs = Stopwatch.GetElapsedTime(started, connected).TotalMilliseconds;
            await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{service.Name} exited with {process.ExitCode}: {await errors}");
            }

            var (rss, peak) = Memory(process.Id);
            return new Sample(startMs, rss / 1024.0, peak / 1024.0);
        }
        catch (TimeoutException)
        {
            ChildProcesses.Kill(process);
            throw new InvalidOperationException($"{service.Name} did not report ready within 30 s: {await output}{await errors}");
        }
        finally
        {
            ChildProcesses.Kill(process);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>VmRSS and VmHWM of a process, in KiB.</summary>
    private static (long Rss, long Peak) Memory(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kib(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kib(line);
            }
        }

        return (rss, peak);

        static long Kib(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static (long App, long WithRuntime) PythonSize(string script)
    {
        // The service's own file and the two packages it imports; the runtime adds the interpreter and its stdlib.
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import asyncio_mqtt, paho, sys, sysconfig; print(asyncio_mqtt.__path__[0]); print(paho.__path__[0]); print(sysconfig.get_paths()['stdlib']); print(sys.executable)");
        using var process = Process.Start(info)!;
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        var app = new FileInfo(script).Length + FolderBytes(lines[0], recursive: true) + FolderBytes(lines[1], recursive: true);
        var interpreter = new FileInfo(lines[3]).ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? new FileInfo(lines[3]);
        return (app, app + FolderBytes(lines[2], recursive: true) + interpreter.Length);
    }

    /// <summary>The bytes of a folder's files, without debug symbols and XML docs (never deployed).</summary>
    private static long FolderBytes(string path, bool recursive) =>
        new DirectoryInfo(path).EnumerateFiles("*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => f.Extension is not (".pdb" or ".xml" or ".dbg") && f.LinkTarget is null)
            .Sum(f => f.Length);

    private static string RuntimeIdentifier() => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchboard.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run from the repository (Switchboard.slnx not found above the harness).");
    }

    private static async Task RunToEndAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Console.Error.WriteLine($"footprint: {file} {string.Join(' ', arguments)}");
        var process = ChildProcesses.Start(info);
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}");
            }
        }
        finally
        {
            ChildProcesses.Kill(process);
            process.Dispose();
        }
    }
}
