using Switchboard.Bench;

// Switchboard.Bench [--url mqtt://host:port] [--reps 3] [--messages 100000] [--quick] [--check]
//                   [--clients switchboard,mqttnet,mqtt.js,mosquitto] [--scenarios qos0,qos1,latency,envelope,offline] [--no-warmup]
//   default: private Mosquitto, Switchboard vs raw MQTTnet vs MQTT.js vs mosquitto_pub/sub, one markdown table.
//   --quick: 20k messages, fewer latency samples (< 1 min).   --check: integrity only (exit 1 on loss/duplicates).
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"unexpected argument '{args[i]}'");
        return 2;
    }

    options[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
}

int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
var url = options.GetValueOrDefault("url");

if (options.ContainsKey("check"))
{
    var result = await BenchCheck.RunAsync(url, Int("messages", BenchCheck.DefaultMessages));
    Console.WriteLine(result);
    return result.Passed ? 0 : 1;
}

var quick = options.ContainsKey("quick");
var messages = Int("messages", quick ? 20_000 : 100_000);
var settings = new BenchSettings(
    Url: url,
    Messages: messages,
    Reps: Int("reps", 3),
    LatencyMessages: Int("latency-messages", quick ? 1_000 : 3_000),
    LatencyWarmup: quick ? 200 : 500,
    Rate: Int("rate", 1_000),
    EnvelopeMessages: Int("envelope-messages", quick ? 10_000 : 50_000),
    OfflineMessages: Int("offline-messages", quick ? 20_000 : 100_000),
    Quick: quick)
{
    Clients = options.TryGetValue("clients", out var c) ? c.Split(',') : null,
    Scenarios = options.TryGetValue("scenarios", out var sc) ? sc.Split(',') : null,
    Warmup = !options.ContainsKey("no-warmup"),
};
return await Harness.RunAsync(settings);
