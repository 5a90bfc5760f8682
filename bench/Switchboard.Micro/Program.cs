using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// dotnet run -c Release --project bench/Switchboard.Micro -- --filter '*'            full BenchmarkDotNet runs
// dotnet run -c Release --project bench/Switchboard.Micro -- --filter '*' --short    ShortRun job, in-process (about a minute)
// Any other BenchmarkDotNet option (--job short, --list flat, --memory, …) is passed through.
var shortRun = args.Contains("--short");
var rest = args.Where(a => a != "--short").ToArray();
IConfig config = DefaultConfig.Instance;
if (shortRun)
{
    config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"));
}

BenchmarkSwitcher.FromAssembly(typeof(Switchboard.Micro.TopicMatchBenchmarks).Assembly).Run(rest, config);
