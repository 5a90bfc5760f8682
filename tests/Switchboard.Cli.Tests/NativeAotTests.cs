using Xunit.Abstractions;

namespace Switchboard.Cli.Tests;

/// <summary>The CLI as a Native AOT executable (PublishAot in its project; clang from scripts/test.sh): it publishes
/// with no trimming or AOT warning (they are errors), and the native binary runs the whole demo — embedded broker,
/// simulated home, registry, envelopes, request/response, health.</summary>
[Collection(SdkBuildCollection.Name)]
public sealed class NativeAotTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_CLI_publishes_natively_and_the_native_binary_runs_the_demo()
    {
        var publishDir = BuildTool.TempDirectory("aot");
        try
        {
            // About a minute on two cores when the libraries are already built (scripts/test.sh builds first); bounded
            // below scripts/test.sh's 5-minute hang timeout, so a slow machine fails this test rather than the run.
            var (code, log) = await BuildTool.RunAsync("dotnet",
                ["publish", Path.Combine(BuildTool.RepoRoot, "src", "Switchboard.Cli", "Switchboard.Cli.csproj"), "-c", BuildTool.Configuration,
                 "-r", BuildTool.HostRuntimeIdentifier, "-o", publishDir.FullName, "-nodeReuse:false"],
                TimeSpan.FromMinutes(4));
            output.WriteLine(log[..(log.IndexOf('\n', StringComparison.Ordinal) + 1)]);
            Assert.True(code == 0, log);

            var native = Path.Combine(publishDir.FullName, "Switchboard.Cli");
            Assert.True(File.Exists(native), log);
            Assert.False(File.Exists(Path.Combine(publishDir.FullName, "Switchboard.Cli.dll")), "a framework-dependent publish, not Native AOT:\n" + log);
            var magic = new byte[4];
            await using (var file = File.OpenRead(native))
            {
                await file.ReadExactlyAsync(magic);
            }

            Assert.Equal("\u007fELF"u8.ToArray(), magic);

            var (versionCode, version) = await BuildTool.RunAsync(native, ["--version"], TimeSpan.FromSeconds(30));
            Assert.True(versionCode == 0, version);
            Assert.Matches(@"\n\d+\.\d+\.\d+", version);

            var (demoCode, demo) = await BuildTool.RunAsync(native, ["demo"], TimeSpan.FromSeconds(90), environment: new Dictionary<string, string> { ["COLUMNS"] = "200" });
            Assert.True(demoCode == 0, demo);
            Assert.Contains("demo finished", demo, StringComparison.Ordinal);
        }
        finally
        {
            BuildTool.Delete(publishDir);
        }
    }
}
