using System.Reflection;

namespace Switchboard.Cli.Tests;

/// <summary>
/// The embedded broker with Debian's python3-paho-mqtt and python3-asyncio-mqtt and with MQTT.js (bench/node-peer's
/// copy), each under MQTT 3.1.1 and 5, driven by the probe scripts in <c>Interop/</c> (copied beside the tests): empty
/// client ids, a subscription granted QoS 2, a retained message, QoS 0, 1 and 2, the will of a SIGKILLed client, and
/// the documented refusal of shared subscriptions (MQTTnet's server has none). <c>scripts/test.sh</c> installs what
/// they need; a missing library fails the test with what to install, it is never skipped.
/// </summary>
public sealed partial class EmbeddedBrokerInteropTests
{
    /// <summary>Bounds one probe run (each of its own waits is bounded at 20 s).</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Debian's interpreter, which has the python3-* packages (a pyenv python3 on PATH does not).</summary>
    private const string DebianPython = "/usr/bin/python3";

    private static string ProbeDirectory => Path.Combine(AppContext.BaseDirectory, "Interop");

    private static string NodePeerModules { get; } =
        typeof(EmbeddedBrokerInteropTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "SwitchboardNodePeerModules").Value
        ?? throw new InvalidOperationException("the SwitchboardNodePeerModules metadata has no value");

    [Theory]
    [InlineData("paho", "311")]
    [InlineData("paho", "5")]
    [InlineData("asyncio", "311")]
    [InlineData("asyncio", "5")]
    public async Task Python_clients_publish_subscribe_retain_and_leave_a_will(string library, string version)
    {
        var missing = new List<string>();
        if (!File.Exists(DebianPython))
        {
            missing.Add(DebianPython);
        }
        else
        {
            var (code, _, stderr) = await RunAsync(DebianPython, "-c", library == "paho" ? "import paho.mqtt.client" : "import paho.mqtt.client, asyncio_mqtt");
            if (code != 0)
            {
                missing.Add($"{(library == "paho" ? "python3-paho-mqtt" : "python3-paho-mqtt python3-asyncio-mqtt")} ({stderr.Trim()})");
            }
        }

        Assert.True(missing.Count == 0, $"missing: {string.Join(", ", missing)}; run scripts/test.sh, or apt-get install python3-paho-mqtt python3-asyncio-mqtt");

        // PYTHONPATH and PYTHONHOME (a pyenv or virtualenv's) must not redirect Debian's interpreter to other packages.
        var environment = new Dictionary<string, string?> { ["PYTHONPATH"] = null, ["PYTHONHOME"] = null, ["PYTHONDONTWRITEBYTECODE"] = "1" };
        var output = await RunProbeAsync(DebianPython, environment, Path.Combine(ProbeDirectory, "python_probe.py"), library, version);

        // The probe is written for Debian 12's paho-mqtt 1.6 (1.x callbacks) and asyncio-mqtt 0.16 (messages()).
        Assert.Contains(library == "paho" ? "info paho-mqtt 1." : "asyncio-mqtt 0.16", output, StringComparison.Ordinal);
        Assert.Contains(SharedRefusal(version), output, StringComparison.Ordinal);
        if (library == "paho" && version == "5")
        {
            // paho reports the Assigned Client Identifier of both clients' CONNACKs; asyncio-mqtt 0.16 hides CONNACKs.
            Assert.Contains("ok assigned client identifier auto-", output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("311")]
    [InlineData("5")]
    public async Task MqttJs_publishes_subscribes_retains_and_leaves_a_will(string version)
    {
        Assert.True(
            File.Exists(Path.Combine(NodePeerModules, "mqtt", "package.json")),
            $"MQTT.js is not installed in {NodePeerModules}; run scripts/test.sh, or npm ci in bench/node-peer");

        var environment = new Dictionary<string, string?> { ["NODE_PATH"] = NodePeerModules, ["NODE_OPTIONS"] = null };
        var output = await RunProbeAsync("node", environment, Path.Combine(ProbeDirectory, "mqttjs_probe.js"), version);

        Assert.Contains("info MQTT.js 5.", output, StringComparison.Ordinal);
        Assert.Contains(SharedRefusal(version), output, StringComparison.Ordinal);
        if (version == "5")
        {
            Assert.Contains("ok assigned client identifier auto-", output, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// What README and <c>switchboard broker --help</c> promise for <c>$share/…</c>: MQTTnet's server has no shared
    /// subscriptions and refuses them, with 0x9E (Shared Subscriptions not supported) under MQTT 5 and the only
    /// refusal 3.1.1 has, 0x80.
    /// </summary>
    private static string SharedRefusal(string version) => $"$share/ subscription refused with {(version == "5" ? "0x9e" : "0x80")} as documented";

    /// <summary>
    /// Starts a broker of its own, runs one probe against it and asserts that every check passed: exit code 0, the
    /// final PASS line and each check's ok line. Returns the probe's output.
    /// </summary>
    private static async Task<string> RunProbeAsync(string file, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        await using var broker = CliProcess.Start(null, "broker", "--port", "0");
        await broker.WaitForOutputAsync("ready mqtt://", Timeout);
        var port = ReadyPort().Match(broker.Stderr).Groups[1].Value;

        using var probe = StartProcess(file, environment, [.. args, "127.0.0.1", port]);
        var (code, stdout, stderr) = await probe.ExitAsync(ProbeTimeout);
        var output = $"{file} {string.Join(' ', args)} exited {code}\nstdout:\n{stdout}\nstderr:\n{stderr}\nbroker stderr:\n{broker.Stderr}";

        Assert.True(code == 0, output);
        var lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 0 && lines[^1] == "PASS", output);
        Assert.DoesNotContain(lines, line => line.StartsWith("FAIL", StringComparison.Ordinal));
        foreach (var check in new[]
        {
            "subscription granted QoS 2",
            "$share/ subscription refused with",
            "ok retained message delivered with the retain flag",
            "ok QoS 0, 1 and 2 delivered at their QoS",
            "ok the will of a killed client delivered",
        })
        {
            Assert.True(lines.Any(line => line.StartsWith("ok ", StringComparison.Ordinal) && line.Contains(check, StringComparison.Ordinal)), $"no '{check}' line\n{output}");
        }

        return output;
    }
}
