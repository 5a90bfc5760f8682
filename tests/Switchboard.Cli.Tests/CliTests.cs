using System.Text.Json;
using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Cli.Tests;

/// <summary>The real executable, end to end.</summary>
public sealed class CliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Demo_runs_on_the_embedded_broker_and_exits_zero()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, "demo");
        Assert.True(code == 0, $"exit code {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("memory.query.result", stdout);
        Assert.Contains("demo finished", stdout);
    }

    [Fact]
    public async Task Pub_to_sub_json_round_trip_through_mosquitto()
    {
        await using var broker = new MosquittoBroker();
        await broker.StartAsync();
        await using var sub = CliProcess.Start(null, "sub", "--url", broker.Url, "--topic", "cli/+", "--count", "2", "--json", "--timeout", "30");
        await sub.WaitForOutputAsync("ready cli/+", Timeout);

        var plain = await CliProcess.RunAsync(Timeout, "pub", "--url", broker.Url, "--topic", "cli/plain", "--message", "hello");
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        var envelope = await CliProcess.RunAsync(Timeout, "pub", "--url", broker.Url, "--topic", "cli/event", "--type", "test.event", "--message", "{\"n\":1}");
        Assert.True(envelope.ExitCode == 0, envelope.Stderr);

        Assert.Equal(0, await sub.WaitForExitAsync(Timeout));
        var lines = sub.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("cli/plain", first.RootElement.GetProperty("topic").GetString());
        Assert.Equal("hello", first.RootElement.GetProperty("payload").GetString());
        using var second = JsonDocument.Parse(lines[1]);
        var payload = second.RootElement.GetProperty("payload");
        Assert.Equal("test.event", payload.GetProperty("type").GetString());
        Assert.Equal(1, payload.GetProperty("data").GetProperty("n").GetInt32());
    }

    [Theory]
    [InlineData("pub", "--url", "bogus://nowhere", "--topic", "t", "--message", "m")]
    [InlineData("pub", "--url", "mqtt://127.0.0.1:99999", "--topic", "t", "--message", "m")]
    [InlineData("pub", "--url", "mqtt://user:hunter2@127.0.0.1:1", "--topic", "t", "--message", "m")]
    [InlineData("sub", "--topic", "x")]
    [InlineData("frobnicate")]
    [InlineData("pub", "--url", "mqtt://127.0.0.1:1", "--topic", "t", "--message", "m", "--qso", "1")]
    public async Task Bad_input_gives_a_nonzero_exit_and_one_line_without_a_stack_trace(params string[] args)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, args);
        Assert.NotEqual(0, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"stderr:\n{stderr}\nstdout:\n{stdout}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", stderr);
        Assert.DoesNotContain("hunter2", stderr + stdout);
    }

    [Theory]
    [InlineData("--typo", "demo", "--typo", "1")]
    [InlineData("--typo", "broker", "--typo", "1")]
    [InlineData("--typo", "pub", "--typo", "1")]
    [InlineData("--typo", "sub", "--typo", "1")]
    [InlineData("--typo", "request", "--typo", "1")]
    [InlineData("--typo", "health", "--typo")]
    [InlineData("--typo", "simulate", "--typo", "1")]
    [InlineData("--typo", "devices", "--typo", "1")]
    [InlineData("--typo", "set", "light.kitchen", "on", "--typo", "1")]
    [InlineData("--typo", "dashboard", "--typo", "1")]
    [InlineData("--typo", "bench", "--typo", "1")]
    [InlineData("'extra'", "pub", "--topic", "t", "--message", "m", "extra")]
    [InlineData("'5'", "health", "--watch", "5")]
    [InlineData("--port 'abc'", "broker", "--port", "abc")]
    [InlineData("--qos '7'", "pub", "--url", "mqtt://127.0.0.1:1", "--topic", "t", "--message", "m", "--qos", "7")]
    [InlineData("--count 'x'", "sub", "--url", "mqtt://127.0.0.1:1", "--count", "x")]
    [InlineData("--size 'big'", "bench", "--size", "big")]
    [InlineData("--timeout 'zz'", "health", "--url", "mqtt://127.0.0.1:1", "--timeout", "zz")]
    [InlineData("--misbehave", "simulate", "--misbehave", "kitchen:fly")]
    [InlineData("--timeout needs a value", "set", "light.kitchen", "on", "--timeout")]
    public async Task A_usage_error_names_the_bad_argument_before_anything_else_is_checked(string named, params string[] args)
    {
        // No broker is given: a misspelt option must still be reported as such, not as "needs a broker".
        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, args);
        Assert.True(code == 2, $"exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains(named, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pub", "--help")]
    [InlineData("set", "-h")]
    [InlineData("sub", "--url", "mqtt://127.0.0.1:1", "--help")]
    [InlineData("help", "broker")]
    public async Task Help_for_one_command_prints_its_usage_and_needs_no_broker(params string[] args)
    {
        var command = args[0] == "help" ? args[1] : args[0];
        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, args);
        Assert.True(code == 0, $"exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains($"usage: switchboard {command}", stdout, StringComparison.Ordinal);
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task Broker_help_says_shared_subscriptions_are_refused()
    {
        // What EmbeddedBrokerInteropTests asserts of the broker with paho-mqtt, asyncio-mqtt and MQTT.js.
        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, "broker", "--help");
        Assert.True(code == 0, $"exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("Not supported: shared subscriptions", stdout, StringComparison.Ordinal);
        Assert.Contains("$share/<group>/<filter>", stdout, StringComparison.Ordinal);
        Assert.Contains("SUBACK 0x9E", stdout, StringComparison.Ordinal);
        Assert.Contains("0x80", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("version")]
    public async Task Version_prints_the_tool_version(string arg)
    {
        var (code, stdout, _) = await CliProcess.RunAsync(Timeout, arg);
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout.Trim());
    }

    [Fact]
    public async Task A_refused_connection_has_its_own_exit_code()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(Timeout, "pub", "--url", "mqtt://127.0.0.1:1", "--topic", "t", "--message", "m");
        Assert.Equal(3, code);
        Assert.Contains("connection refused", stderr);
    }

    [Fact]
    public async Task A_malformed_MQTT_variable_is_a_usage_error_naming_it()
    {
        // The CLI reads its connection variables through the core's parser: a typo is named, not silently ignored.
        await using var cli = CliProcess.Start(new Dictionary<string, string> { ["MQTT_PROTOCOL"] = "3.11" }, "pub", "--url", "mqtt://127.0.0.1:1", "--topic", "t", "--message", "m");
        var code = await cli.WaitForExitAsync(Timeout);
        Assert.Equal(2, code);
        Assert.Contains("MQTT_PROTOCOL='3.11' is not a supported MQTT protocol version", cli.Stderr);
    }
}
