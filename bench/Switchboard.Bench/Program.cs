using Switchboard;
using Switchboard.Bench;

const string Usage = """
    Switchboard.Bench — Switchboard vs raw MQTTnet vs MQTT.js (bench/node-peer) vs mosquitto_pub/sub on a private Mosquitto.

      dotnet run -c Release --project bench/Switchboard.Bench [-- options]

      --quick                 20k messages, fewer latency/envelope samples (under a minute)
      --outbox                the durable outbox's cost per MQTT_OUTBOX_FSYNC mode (Post p50/p99, QoS 1 throughput)
      --registry-scale        a Home Assistant registry ingesting a large Zigbee2MQTT-shaped install: --devices N (5000,
                              4 entities each), then --state-rate N state msg/s (20000) for --seconds N (5)
      --many-clients N        N idle clients in one process: connect-all time, RSS and GC heap per client, threads, idle
                              CPU over --seconds N (10) with --keep-alive N s (5); exit 1 when a target is missed
      --footprint             one small service's cost to run: the StatusPublisher sample as JIT and as Native AOT
                              (built first: dotnet build + dotnet publish -r linux-x64; --no-build reuses them) and its
                              Python asyncio-mqtt equivalent (bench/footprint/status_publisher.py): start → connected,
                              idle VmRSS after --idle-seconds N (5), sizes; --reps N (5); --env K=V,K=V for the .NET ones
      --check                 integrity only: Switchboard, 2k messages at QoS 0 and 1; exit 1 on loss (QoS 1) or duplicates
      --protocol 5|3.1.1|both MQTT version of every client (default 5); both = a table section per version
      --transport tcp|tls|both  the private Mosquitto's listener(s) every client uses (default both: TCP rows, then TLS
                              rows; TLS = mqtts://127.0.0.1 with a certificate from a CA generated at start, verified)
      --url mqtt://host:port  use this broker instead of starting a private Mosquitto (mqtts://… = TLS; --transport ignored)
      --ca-file ca.pem        with --url mqtts://…: the CA to verify that broker against (default: system trust)
      --reps N                interleaved repetitions (default 3); the table shows medians
      --messages N            messages per throughput run (default 100000, --quick 20000)
      --latency-messages N    latency samples (default 3000, --quick 1000), after a warm-up
      --rate N                latency publish rate, msg/s (default 1000)
      --envelope-messages N   envelope events per run (default 50000, --quick 10000)
      --offline-messages N    Post calls while disconnected (default 100000, --quick 20000)
      --clients a,b           only clients whose name contains one of these (switchboard, post, publishasync, mqttnet,
                              mqtt.js, mosquitto)
      --scenarios a,b         only these scenarios: qos0, qos1, latency, envelope, offline
      --no-warmup             skip the unrecorded JIT warm-up of the in-process clients
      --alloc-profile         also print, per in-process run, the allocated types (sampled) as bytes per message
    """;

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"unexpected argument '{args[i]}'\n{Usage}");
        return 2;
    }

    options[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
}

if (options.ContainsKey("help"))
{
    Console.WriteLine(Usage);
    return 0;
}

string[] Choice(string name, string fallback, params string[] allowed)
{
    var value = options.GetValueOrDefault(name, fallback);
    return value == "both" ? allowed : allowed.Contains(value) ? [value] : throw new ArgumentException($"--{name} {value}: expected {string.Join(", ", allowed)} or both");
}

int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
var url = options.GetValueOrDefault("url");

if (options.ContainsKey("check"))
{
    var result = await BenchCheck.RunAsync(url, Int("messages", BenchCheck.DefaultMessages));
    Console.WriteLine(result);
    return result.Passed ? 0 : 1;
}

if (options.ContainsKey("many-clients"))
{
    return await ManyClients.RunAsync(url, Int("many-clients", 1_000), Int("seconds", 10), Int("keep-alive", 5));
}

if (options.ContainsKey("footprint"))
{
    var env = options.TryGetValue("env", out var pairs) ? pairs.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
    return await Footprint.RunAsync(url, Int("reps", 5), Int("idle-seconds", 5), !options.ContainsKey("no-build"), env);
}

if (options.ContainsKey("registry-scale"))
{
    return await RegistryScale.RunAsync(url, Int("devices", 5_000), Int("state-rate", 20_000), Int("seconds", 5));
}

if (options.ContainsKey("outbox"))
{
    return await OutboxCost.RunAsync(url, Int("messages", 20_000));
}

var quick = options.ContainsKey("quick");
var messages = Int("messages", quick ? 20_000 : 100_000);
BenchSettings settings;
try
{
    settings = new BenchSettings(
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
        AllocationProfile = options.ContainsKey("alloc-profile"),
        Protocols = Choice("protocol", "5", "5", "3.1.1").Select(p => p == "5" ? MqttProtocol.V500 : MqttProtocol.V311).ToArray(),
        Transports = url is not null ? [] : Choice("transport", "both", "tcp", "tls").Select(t => t == "tls" ? BenchTransport.Tls : BenchTransport.Tcp).ToArray(),
        CaFile = options.GetValueOrDefault("ca-file"),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"{ex.Message}\n{Usage}");
    return 2;
}

return await Harness.RunAsync(settings);
