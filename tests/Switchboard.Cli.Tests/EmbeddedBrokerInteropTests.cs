using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Switchboard.Cli.Tests;

/// <summary>
/// The embedded broker (<c>switchboard broker</c>) with clients nobody here wrote: mosquitto_pub and mosquitto_sub,
/// which, like Paho and asyncio-mqtt, send an empty client id unless told otherwise (and, in the other part of this
/// class, paho-mqtt, asyncio-mqtt and MQTT.js driven by the probe scripts in <c>Interop/</c>).
/// </summary>
public sealed partial class EmbeddedBrokerInteropTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("311", 0)]
    [InlineData("311", 1)]
    [InlineData("311", 2)]
    [InlineData("5", 0)]
    [InlineData("5", 1)]
    [InlineData("5", 2)]
    public async Task Mosquitto_clients_without_a_client_id_publish_and_subscribe(string version, int qos)
    {
        await using var broker = CliProcess.Start(null, "broker", "--port", "0");
        await broker.WaitForOutputAsync("ready mqtt://", Timeout);
        var port = ReadyPort().Match(broker.Stderr).Groups[1].Value;
        var topic = $"interop/{version}/{qos}/{Guid.NewGuid():N}";

        // The subscriber first (-d prints the SUBACK it gets; stdbuf so that line is not held in stdio's buffer of a
        // pipe), then the publisher: nothing races.
        var sub = StartProcess("stdbuf", "-oL", "mosquitto_sub", "-d", "-h", "127.0.0.1", "-p", port, "-V", version, "-q", $"{qos}", "-t", topic, "-C", "1", "-W", "20");
        try
        {
            await sub.WaitForAsync("SUBACK", Timeout);
            var (pubCode, _, pubErr) = await RunAsync("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-V", version, "-q", $"{qos}", "-t", topic, "-m", "hello from mosquitto_pub");
            Assert.True(pubCode == 0, $"mosquitto_pub -V {version} exited {pubCode}: {pubErr}");
            var (subCode, subOut, subErr) = await sub.ExitAsync(Timeout);
            Assert.True(subCode == 0, $"mosquitto_sub -V {version} exited {subCode}: {subErr}\n{subOut}");
            Assert.Contains("hello from mosquitto_pub", subOut, StringComparison.Ordinal);
        }
        finally
        {
            sub.Dispose();
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        using var process = StartProcess(file, args);
        return await process.ExitAsync(Timeout);
    }

    private static ToolProcess StartProcess(string file, params string[] args) => StartProcess(file, null, args);

    /// <summary>Starts a tool; <paramref name="environment"/> entries with a null value are removed.</summary>
    private static ToolProcess StartProcess(string file, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        return new ToolProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}"), $"{file} {string.Join(' ', args)}");
    }

    /// <summary>A client tool's process, its output collected as it comes.</summary>
    private sealed class ToolProcess : IDisposable
    {
        private readonly Process _process;
        private readonly string _command;
        private readonly Lock _lock = new();
        private readonly System.Text.StringBuilder _stdout = new();
        private readonly System.Text.StringBuilder _stderr = new();
        private TaskCompletionSource _output = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ToolProcess(Process process, string command)
        {
            _process = process;
            _command = command;
            process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
            process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        /// <summary>Waits until stdout shows <paramref name="text"/>.</summary>
        public async Task WaitForAsync(string text, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (true)
            {
                Task changed;
                lock (_lock)
                {
                    if (_stdout.ToString().Contains(text, StringComparison.Ordinal))
                    {
                        return;
                    }

                    changed = _output.Task;
                }

                try
                {
                    await Task.WhenAny(changed, _process.WaitForExitAsync(cts.Token)).WaitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"'{text}' did not appear from {_command} within {timeout.TotalSeconds} s");
                }

                if (_process.HasExited && !changed.IsCompleted)
                {
                    throw new InvalidOperationException($"{_command} exited ({_process.ExitCode}) before '{text}' appeared: {_stderr}");
                }
            }
        }

        public async Task<(int Code, string Stdout, string Stderr)> ExitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                lock (_lock)
                {
                    throw new TimeoutException($"{_command} did not exit within {timeout.TotalSeconds} s.\nstdout:\n{_stdout}\nstderr:\n{_stderr}");
                }
            }

            lock (_lock)
            {
                return (_process.ExitCode, _stdout.ToString(), _stderr.ToString());
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }

        private void Append(System.Text.StringBuilder target, string? line)
        {
            if (line is null)
            {
                return;
            }

            TaskCompletionSource signal;
            lock (_lock)
            {
                target.AppendLine(line);
                signal = _output;
                _output = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            signal.TrySetResult();
        }
    }

    [GeneratedRegex(@"ready mqtt://[^:\s]+:(\d+)")]
    private static partial Regex ReadyPort();
}
