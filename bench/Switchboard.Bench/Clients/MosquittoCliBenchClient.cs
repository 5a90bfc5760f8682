using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Switchboard.Bench;

/// <summary>
/// mosquitto_pub -l (one message per stdin line) and mosquitto_sub -C N: the C reference at QoS 0. Payloads are 64
/// text bytes (16 hex digits of sequence + padding) because -l is line based. CPU and context switches = getrusage(RUSAGE_CHILDREN) delta
/// (both children are reaped inside the window); peak RSS = sum of the two VmHWM values sampled while they run.
/// Rate = pub process start → sub exit (includes mosquitto_pub's own start-up, a few ms). <c>-V mqttv5</c> or
/// <c>mqttv311</c> from the target; TLS with <c>--cafile</c> (verification and host name check on).
/// </summary>
public sealed class MosquittoCliBenchClient : IBenchClient
{
    public const string ClientName = "mosquitto_pub/sub";

    public string Name => ClientName;

    static string Tool(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/bin", "/usr/sbin", "/usr/local/bin"]))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return name;
    }

    public async Task<RunResult> ThroughputAsync(BenchTarget target, int qos, int count)
    {
        if (qos != 0)
        {
            return RunResult.Absent("QoS 0 reference only");
        }

        var uri = new Uri(target.Url);
        var version = target.Protocol == MqttProtocol.V500 ? "mqttv5" : "mqttv311";
        string[] tls = !target.IsTls ? [] : target.CaFile is { } ca ? ["--cafile", ca] : ["--capath", "/etc/ssl/certs"];
        var topic = $"bench/{RunIds.Next()}/mosq";
        var input = Path.Combine(Path.GetTempPath(), $"switchboard-bench-{Environment.ProcessId}-{count}.txt");
        {
            var text = new StringBuilder(count * 65);
            for (var i = 0; i < count; i++)
            {
                text.Append(i.ToString("x16", CultureInfo.InvariantCulture)).Append('.', 48).Append('\n');
            }

            await File.WriteAllTextAsync(input, text.ToString());
        }

        var usage0 = ResourceUsage.ReapedChildren();
        var subInfo = new ProcessStartInfo(Tool("mosquitto_sub")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-h", uri.Host, "-p", uri.Port.ToString(CultureInfo.InvariantCulture), "-V", version, "-q", "0", "-t", topic, "-C", count.ToString(CultureInfo.InvariantCulture), "-i", $"mosq-sub-{RunIds.Next()}" }.Concat(tls))
        {
            subInfo.ArgumentList.Add(arg);
        }

        Process sub;
        try
        {
            sub = ChildProcesses.Start(subInfo);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return RunResult.Skip($"mosquitto_sub not runnable: {ex.Message}");
        }

        using var _sub = sub;
        var lines = new List<string>(count);
        var reading = Task.Run(async () =>
        {
            while (await sub.StandardOutput.ReadLineAsync() is { } line)
            {
                lines.Add(line);
            }
        });
        _ = sub.StandardError.ReadToEndAsync();
        await Task.Delay(300); // mosquitto_sub has subscribed by then (it connects in ~1 ms on loopback).

        var pubInfo = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true };
        pubInfo.ArgumentList.Add("-c");
        pubInfo.ArgumentList.Add($"exec {Tool("mosquitto_pub")} -h {uri.Host} -p {uri.Port} -V {version} -q 0 -t {topic}{string.Concat(tls.Select(a => $" '{a}'"))} -l < {input}");
        var start = Stopwatch.GetTimestamp();
        using var pub = ChildProcesses.Start(pubInfo);
        double peakSub = 0, peakPub = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var sampler = Task.Run(async () =>
        {
            while (!sub.HasExited)
            {
                peakSub = Math.Max(peakSub, Zero(PeakRss.Of(sub.Id)));
                if (!pub.HasExited)
                {
                    peakPub = Math.Max(peakPub, Zero(PeakRss.Of(pub.Id)));
                }

                await Task.Delay(20);
            }
        });
        var timedOut = false;
        try
        {
            await sub.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
        }

        var end = Stopwatch.GetTimestamp();
        await pub.WaitForExitAsync();
        ChildProcesses.Kill(sub);
        ChildProcesses.Forget(pub);
        await sub.WaitForExitAsync();
        await reading;
        await sampler;
        var usage = ResourceUsage.ReapedChildren() - usage0;
        File.Delete(input);

        var tally = new Tally(count);
        foreach (var line in lines)
        {
            if (line.Length >= 16 && long.TryParse(line.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var seq))
            {
                tally.Record(seq);
            }
        }

        return new RunResult
        {
            MsgPerSec = tally.Unique / ((end - start) / (double)Stopwatch.Frequency),
            Missing = count - tally.Unique,
            Duplicates = tally.Duplicates,
            OutOfOrder = tally.OutOfOrder,
            CpuUsPerMsg = usage.CpuUs / count,
            ContextSwitchesPerMsg = usage.ContextSwitches / (double)count,
            PeakWorkingSetMb = peakSub + peakPub,
            Note = timedOut ? "mosquitto_sub timed out (messages lost)" : null,
        };
    }

    static double Zero(double value) => double.IsNaN(value) ? 0 : value;

    public Task<RunResult> LatencyAsync(BenchTarget target, int rate, int warmup, int count) => Task.FromResult(RunResult.Absent("QoS 0 throughput reference only"));

    public Task<RunResult> EnvelopeAsync(BenchTarget target, int count) => Task.FromResult(RunResult.Absent("QoS 0 throughput reference only"));

    public Task<RunResult> PostOfflineAsync(BenchTarget target, int count) => Task.FromResult(RunResult.Absent("QoS 0 throughput reference only"));
}
