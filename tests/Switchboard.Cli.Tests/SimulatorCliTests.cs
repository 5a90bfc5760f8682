using System.Text.Json;
using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Cli.Tests;

/// <summary><c>simulate</c>, <c>devices</c> and <c>set</c> as real processes against Mosquitto.</summary>
public sealed class SimulatorCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Devices_json_lists_the_default_home()
    {
        await using var broker = new MosquittoBroker();
        await broker.StartAsync();
        await using var simulate = CliProcess.Start(null, "simulate", "--url", broker.Url);
        await simulate.WaitForOutputAsync("ready " + broker.Url, Timeout);

        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, "devices", "--json", "--url", broker.Url);
        Assert.True(code == 0, $"exit {code}\n{stderr}");
        var entities = Parse(stdout);
        string[] expected =
        [
            "light.kitchen", "light.hallway", "switch.plug", "sensor.plug_power", "climate.living", "cover.garage",
            "lock.front", "fan.bedroom", "button.doorbell", "binary_sensor.hallway_motion", "sensor.outdoor_temperature",
        ];
        foreach (var id in expected)
        {
            Assert.True(entities.ContainsKey(id), $"{id} missing from {string.Join(", ", entities.Keys)}");
        }

        Assert.Equal(24, entities.Count);
        Assert.All(entities.Values, e => Assert.True(e.GetProperty("available").GetBoolean(), e.GetRawText()));
        Assert.Equal("off", entities["light.kitchen"].GetProperty("state").GetString());
        Assert.Equal("locked", entities["lock.front"].GetProperty("state").GetString());
        Assert.Equal("W", entities["sensor.plug_power"].GetProperty("attributes").GetProperty("unit").GetString());
    }

    [Fact]
    public async Task Set_changes_a_simulated_device_and_devices_shows_the_new_state()
    {
        await using var broker = new MosquittoBroker();
        await broker.StartAsync();
        await using var simulate = CliProcess.Start(null, "simulate", "--url", broker.Url);
        await simulate.WaitForOutputAsync("ready " + broker.Url, Timeout);

        var set = await CliProcess.RunAsync(Timeout, "set", "light.kitchen", "on", "brightness", "128", "--url", broker.Url, "--timeout", "20");
        Assert.True(set.ExitCode == 0, $"exit {set.ExitCode}\nstdout:\n{set.Stdout}\nstderr:\n{set.Stderr}");
        Assert.Contains("light.kitchen: on, brightness 128", set.Stdout);

        var plug = await CliProcess.RunAsync(Timeout, "set", "switch.plug", "on", "--url", broker.Url, "--timeout", "20");
        Assert.True(plug.ExitCode == 0, plug.Stderr);

        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, "devices", "--json", "--url", broker.Url);
        Assert.True(code == 0, stderr);
        var entities = Parse(stdout);
        var kitchen = entities["light.kitchen"];
        Assert.Equal("on", kitchen.GetProperty("state").GetString());
        Assert.Equal(128, kitchen.GetProperty("attributes").GetProperty("brightness").GetInt32());
        Assert.Equal("on", entities["switch.plug"].GetProperty("state").GetString());
    }

    [Theory]
    [InlineData(2, "set", "light.nowhere", "on")]
    [InlineData(2, "set", "light.kitchen", "blink")]
    [InlineData(2, "set", "cover.garage", "position", "140")]
    public async Task Set_refuses_unknown_entities_and_commands_with_one_line_listing_the_valid_ones(int exitCode, params string[] args)
    {
        await using var broker = new MosquittoBroker();
        await broker.StartAsync();
        await using var simulate = CliProcess.Start(null, "simulate", "--url", broker.Url);
        await simulate.WaitForOutputAsync("ready " + broker.Url, Timeout);

        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, [.. args, "--url", broker.Url]);
        Assert.Equal(exitCode, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"stderr:\n{stderr}\nstdout:\n{stdout}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(args[1] == "light.nowhere" ? "light.kitchen" : "valid:", lines[0]);
    }

    [Theory]
    [InlineData("devices")]
    [InlineData("set", "light.kitchen", "on")]
    public async Task Devices_and_set_need_a_broker(params string[] args)
    {
        var (code, _, stderr) = await CliProcess.RunAsync(Timeout, args);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("needs a broker", stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static Dictionary<string, JsonElement> Parse(string stdout)
    {
        using var document = JsonDocument.Parse(stdout);
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        return document.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("entity_id").GetString()!, e => e.Clone());
    }
}
