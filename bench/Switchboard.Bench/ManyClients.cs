using System.Diagnostics;
using System.Globalization;
using Switchboard.IntegrationTests.Brokers;

namespace Switchboard.Bench;

/// <summary>
/// The <c>--many-clients N</c> mode: N Switchboard clients in one process (a bridge, a simulator, a gateway) connected
/// to one private Mosquitto. Measured: the time to connect them all (every <c>ConnectAsync</c> started at once), the
/// resident memory and GC heap each idle client holds (deltas after a full GC, divided by N), the threads of the
/// process, and the CPU the process spends while the clients are idle (keep-alive only, a short keep-alive so the
/// PINGREQs show) over <c>--seconds</c>. Targets: at most 100 KB per idle client, no thread per client, all connected
/// within 5 s.
/// </summary>
public static class ManyClients
{
    private const double TargetBytesPerClient = 100 * 1024;
    private static readonly TimeSpan TargetConnectAll = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string? url, int count, int idleSeconds, int keepAliveSeconds)
    {
        // Mosquitto 2.0.11 accepts any number of connections by default (max_connections -1); its open files limit is
        // inherited from this process, whose runtime raised the soft limit to the hard one at start (both printed).
        await using var broker = url is null ? new MosquittoBroker() : null;
        if (broker is not null)
        {
            await broker.StartAsync();
        }

        url ??= broker!.Url;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"many clients: {count:N0} Switchboard clients in one process, keep-alive {keepAliveSeconds} s, idle {idleSeconds} s; broker {url}; " +
            $"open files limit: this process {OpenFilesLimit(Environment.ProcessId)}{(broker?.ProcessId is { } pid ? $", mosquitto {OpenFilesLimit(pid)}" : string.Empty)}"));

        SwitchboardOptions Options(int i) => new()
        {
            Url = url,
            ClientId = string.Create(CultureInfo.InvariantCulture, $"many-{i:00000}"),
            KeepAlive = TimeSpan.FromSeconds(keepAliveSeconds),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };

        // Warm up: JIT the connect path and start the runtime's thread pool and timer threads, outside the deltas.
        await using (var warm = new SwitchboardClient(Options(99_999)))
        {
            await warm.ConnectAsync();
        }

        var before = Snapshot();
        var clients = new SwitchboardClient[count];
        for (var i = 0; i < count; i++)
        {
            clients[i] = new SwitchboardClient(Options(i));
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(c => c.ConnectAsync())).WaitAsync(TimeSpan.FromMinutes(2));
        var connectAll = clock.Elapsed;
        var connected = clients.Count(c => c.State == ConnectionState.Connected);
        var held = Snapshot();
        var rssPerClient = (held.Rss - before.Rss) / (double)count;
        var heapPerClient = (held.Heap - before.Heap) / (double)count;

        var cpuStart = ResourceUsage.Self();
        var idleClock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
        var idleCpu = ResourceUsage.Self() - cpuStart;
        var idleElapsed = idleClock.Elapsed;
        var stillConnected = clients.Count(c => c.State == ConnectionState.Connected);
        var reconnects = clients.Sum(c => c.GetStats().Reconnects);
        var idle = Snapshot();

        clock.Restart();
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).WaitAsync(TimeSpan.FromMinutes(2));
        var disposeAll = clock.Elapsed;
        var after = Snapshot();

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"connect all: {connected:N0}/{count:N0} connected in {connectAll.TotalSeconds:0.00} s ({count / connectAll.TotalSeconds:N0} connects/s)"));
        Console.WriteLine(string.Create(inv,
            $"memory per idle client (after a full GC): RSS {rssPerClient / 1024:0.0} KB, GC heap {heapPerClient / 1024:0.0} KB " +
            $"(RSS {before.Rss / 1048576.0:0.0} → {held.Rss / 1048576.0:0.0} MiB, GC heap {before.Heap / 1048576.0:0.0} → {held.Heap / 1048576.0:0.0} MiB)"));
        Console.WriteLine(string.Create(inv, $"threads: {before.Threads} before, {held.Threads} with {count:N0} clients connected, {idle.Threads} after the idle period, {after.Threads} after disposing them"));
        Console.WriteLine(string.Create(inv,
            $"idle {idleElapsed.TotalSeconds:0.0} s: CPU {idleCpu.CpuUs / 1000:0} ms ({idleCpu.CpuUs / 10_000 / idleElapsed.TotalSeconds:0.00} % of one core, " +
            $"{idleCpu.CpuUs / count / idleElapsed.TotalSeconds:0.0} µs per client per second), {idleCpu.ContextSwitches:N0} context switches; " +
            $"{stillConnected:N0} still connected, {reconnects} reconnects"));
        Console.WriteLine(string.Create(inv, $"dispose all: {disposeAll.TotalSeconds:0.00} s; RSS after {after.Rss / 1048576.0:0.0} MiB, GC heap {after.Heap / 1048576.0:0.0} MiB"));

        var failures = new List<string>();
        if (connected != count || stillConnected != count)
        {
            failures.Add($"{count - Math.Min(connected, stillConnected)} client(s) not connected");
        }

        if (connectAll > TargetConnectAll)
        {
            failures.Add(string.Create(inv, $"connect all took {connectAll.TotalSeconds:0.00} s (target {TargetConnectAll.TotalSeconds:0} s)"));
        }

        if (rssPerClient > TargetBytesPerClient)
        {
            failures.Add(string.Create(inv, $"RSS per idle client {rssPerClient / 1024:0.0} KB (target {TargetBytesPerClient / 1024:0} KB)"));
        }

        if (held.Threads - before.Threads >= count / 2)
        {
            failures.Add($"threads grew by {held.Threads - before.Threads} for {count} clients");
        }

        Console.WriteLine(failures.Count == 0 ? "targets: met" : $"targets: MISSED — {string.Join("; ", failures)}");
        return failures.Count == 0 ? 0 : 1;
    }

    private static (long Rss, long Heap, int Threads) Snapshot()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false), process.Threads.Count);
    }

    private static string OpenFilesLimit(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: >= 5 } ? fields[3] : "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
