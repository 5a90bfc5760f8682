using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Switchboard.Cli.Tests;

/// <summary>Runs the SDK (publish, pack, tool install, build) and other programs to completion, bounded in time, for
/// the tests that check what ships: the repository, the configuration under test and a private temp directory.</summary>
internal static class BuildTool
{
    public static string RepoRoot { get; } = Metadata("SwitchboardRepoRoot");

    public static string Configuration { get; } = Metadata("SwitchboardConfiguration");

    /// <summary>linux-x64 or linux-arm64: the machine's own runtime identifier, for a native publish.</summary>
    public static string HostRuntimeIdentifier { get; } = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    /// <summary>A fresh directory under SWITCHBOARD_TEST_TMP (scripts/test.sh: the run's artifacts, emptied every run)
    /// or the system temp directory; the caller deletes it.</summary>
    public static DirectoryInfo TempDirectory(string prefix)
    {
        var root = Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_TMP") is { Length: > 0 } configured ? configured : Path.GetTempPath();
        Directory.CreateDirectory(root);
        return Directory.CreateDirectory(Path.Combine(root, $"{prefix}-{Guid.NewGuid():N}"));
    }

    public static void Delete(DirectoryInfo directory)
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Runs <paramref name="file"/> to its end; past <paramref name="timeout"/> kills it (and its children)
    /// and fails with what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoRoot,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment.Remove("MQTT_URL");
        info.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"{file} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}:\n{Text()}");
        }

        process.WaitForExit();
        var elapsed = Stopwatch.GetElapsedTime(started);
        return (process.ExitCode, $"[{file} {string.Join(' ', info.ArgumentList)}: exit {process.ExitCode} after {elapsed.TotalSeconds:0.0} s]\n{Text()}");

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        string Text()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private static string Metadata(string key) =>
        typeof(BuildTool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is missing (see Switchboard.Cli.Tests.csproj)");
}

/// <summary>The tests that run the SDK over the sources (a Native AOT publish, pack + tool install + a consumer build):
/// each is CPU-heavy for a minute or two, so they run alone, after the rest of this assembly, never beside
/// timing-sensitive tests (and never beside a test that runs the CLI from the build output they share).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SdkBuildCollection
{
    public const string Name = "SDK builds";
}
