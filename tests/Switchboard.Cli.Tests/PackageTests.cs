using System.IO.Compression;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace Switchboard.Cli.Tests;

/// <summary>
/// What a user of the packages gets, from the packages themselves: every package is packed (from the build under
/// test) into a local folder feed with its README, licence, repository, XML docs and symbols; the <c>switchboard</c>
/// tool (package Switchboard.Cli) installs from that feed and runs; a small consumer project restores the libraries
/// from it and builds, with the trimming and AOT analyzers on, so the packages' annotations reach their users.
/// NuGet never looks for a Switchboard package anywhere but the local feed (package source mapping), takes the other
/// dependencies from the machine's package cache or nuget.org, and unpacks into a private folder, so nothing of this
/// run is cached outside the test's temp directory.
/// </summary>
[Collection(SdkBuildCollection.Name)]
public sealed class PackageTests(ITestOutputHelper output)
{
    private static readonly string[] Packages = ["Switchboard", "Switchboard.HomeAssistant", "Switchboard.Hosting", "Switchboard.Simulator", "Switchboard.Dashboard", "Switchboard.Cli"];

    [Fact]
    public async Task The_packages_install_from_a_local_feed_the_tool_runs_and_a_consumer_builds()
    {
        var root = BuildTool.TempDirectory("packages");
        try
        {
            var feed = Directory.CreateDirectory(Path.Combine(root.FullName, "feed")).FullName;
            var (packCode, packLog) = await BuildTool.RunAsync("dotnet",
                ["pack", Path.Combine(BuildTool.RepoRoot, "Switchboard.slnx"), "-c", BuildTool.Configuration, "--no-build", "-o", feed, "-nodeReuse:false"],
                TimeSpan.FromMinutes(4));
            Step(packLog);
            Assert.True(packCode == 0, packLog);

            var version = await BuiltVersionAsync();
            foreach (var id in Packages)
            {
                AssertPackage(Path.Combine(feed, $"{id}.{version}.nupkg"), id, packLog);
                Assert.True(File.Exists(Path.Combine(feed, $"{id}.{version}.snupkg")), $"no symbols package for {id}\n{packLog}");
            }

            var environment = PrivateNuGet(root.FullName, feed, out var config);

            // The tool, by its package id; its shim finds the runtime through DOTNET_ROOT.
            var tools = Path.Combine(root.FullName, "tools");
            var (installCode, installLog) = await BuildTool.RunAsync("dotnet",
                ["tool", "install", "Switchboard.Cli", "--version", version, "--tool-path", tools, "--configfile", config],
                TimeSpan.FromMinutes(2), root.FullName, environment);
            Step(installLog);
            Assert.True(installCode == 0, installLog);
            var (toolCode, toolOutput) = await BuildTool.RunAsync(Path.Combine(tools, "switchboard"), ["--version"], TimeSpan.FromSeconds(30), root.FullName, environment);
            Assert.True(toolCode == 0, toolOutput);
            Assert.Contains($"\n{version}", toolOutput, StringComparison.Ordinal);

            var consumer = WriteConsumer(root.FullName, version);
            var (restoreCode, restoreLog) = await BuildTool.RunAsync("dotnet", ["restore", "--configfile", config], TimeSpan.FromMinutes(3), consumer, environment);
            Step(restoreLog);
            Assert.True(restoreCode == 0, restoreLog);
            var (buildCode, buildLog) = await BuildTool.RunAsync("dotnet", ["build", "--no-restore", "-c", "Release", "-nodeReuse:false"], TimeSpan.FromMinutes(3), consumer, environment);
            Step(buildLog);
            Assert.True(buildCode == 0, buildLog);

            // The one reflection convenience the consumer calls is flagged, with the way out; nothing else is.
            Assert.Contains("Reflection.cs", buildLog, StringComparison.Ordinal);
            Assert.Contains("IL2026", buildLog, StringComparison.Ordinal);
            Assert.Contains("JsonTypeInfo<T>", buildLog, StringComparison.Ordinal);
            Assert.DoesNotContain("Program.cs(", buildLog, StringComparison.Ordinal);

            var (runCode, runOutput) = await BuildTool.RunAsync("dotnet", [Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll")], TimeSpan.FromSeconds(60), consumer, environment);
            Assert.True(runCode == 0, runOutput);
            Assert.Contains("consumer ok", runOutput, StringComparison.Ordinal);
        }
        finally
        {
            BuildTool.Delete(root);
        }
    }

    /// <summary>Each step's command line, exit code and time, in the test's output.</summary>
    private void Step(string log) => output.WriteLine(log[..(log.IndexOf('\n', StringComparison.Ordinal) + 1)]);

    /// <summary>The version the packages carry: the build's own, as <c>switchboard --version</c> (from the build
    /// output) prints it.</summary>
    private static async Task<string> BuiltVersionAsync()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "--version");
        Assert.True(code == 0, stderr);
        return stdout.Trim();
    }

    private static void AssertPackage(string path, string id, string log)
    {
        Assert.True(File.Exists(path), $"{path} was not packed\n{log}");
        using var zip = ZipFile.OpenRead(path);
        var nuspecEntry = zip.Entries.Single(e => e.FullName == $"{id}.nuspec");
        XDocument nuspec;
        using (var stream = nuspecEntry.Open())
        {
            nuspec = XDocument.Load(stream);
        }

        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);
        Assert.Equal("README.md", Value("readme"));
        Assert.Contains(zip.Entries, e => e.FullName == "README.md" && e.Length > 200);
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.StartsWith("https://github.com/", repository.Attribute("url")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        var folder = id == "Switchboard.Cli" ? "tools/net10.0/any/" : "lib/net10.0/";
        Assert.Contains(zip.Entries, e => e.FullName == $"{folder}{id}.dll");
        if (id != "Switchboard.Cli")
        {
            Assert.Contains(zip.Entries, e => e.FullName == $"{folder}{id}.xml");
        }
    }

    /// <summary>A nuget.config with only the local feed for Switchboard packages, and the machine's package cache plus
    /// nuget.org for everything else; NuGet unpacks into a folder of this test.</summary>
    private static Dictionary<string, string> PrivateNuGet(string root, string feed, out string config)
    {
        var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cacheSource = Directory.Exists(machineCache) ? $"""<add key="machine-cache" value="{machineCache}" />""" : string.Empty;
        var cacheMapping = Directory.Exists(machineCache) ? """<packageSource key="machine-cache"><package pattern="*" /></packageSource>""" : string.Empty;
        config = Path.Combine(root, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                {cacheSource}
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="Switchboard" /><package pattern="Switchboard.*" /></packageSource>
                {cacheMapping}
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        // The consumer sits under the repository when SWITCHBOARD_TEST_TMP is set: empty Directory.* files stop MSBuild
        // from importing the repository's own (central package versions, warnings as errors).
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(root, name), "<Project />\n");
        }

        var dotnetRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        return new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(root, "packages"),
            ["DOTNET_ROOT"] = dotnetRoot,
        };
    }

    private static string WriteConsumer(string root, string version)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, "consumer")).FullName;
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <EnableTrimAnalyzer>true</EnableTrimAnalyzer>
                <EnableAotAnalyzer>true</EnableAotAnalyzer>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Switchboard.Hosting" Version="{version}" />
                <PackageReference Include="Switchboard.HomeAssistant" Version="{version}" />
                <PackageReference Include="Switchboard.Simulator" Version="{version}" />
                <PackageReference Include="Switchboard.Dashboard" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), """
            using System.Text.Json.Serialization;
            using Microsoft.Extensions.DependencyInjection;
            using Switchboard;
            using Switchboard.Dashboard;
            using Switchboard.HomeAssistant;
            using Switchboard.Hosting;
            using Switchboard.Simulator;

            var services = new ServiceCollection();
            services.AddSwitchboard(o => { o.Url = "mqtt://127.0.0.1:1883"; o.ClientId = "consumer"; }).AddHealthCheck();
            await using var client = new SwitchboardClient(new SwitchboardOptions { Url = "mqtt://127.0.0.1:1883", ClientId = "consumer" });
            await using var registry = new HomeAssistantRegistry(client, new HomeAssistantOptions());
            await using var home = new SimulatedHome(client, DefaultHome.Create());
            var dashboard = new DashboardOptions { Port = 0 };
            Console.WriteLine($"consumer ok: {client.GetStats().State}, {services.Count} services, {DefaultHome.Create().Devices.Count} devices, dashboard port {dashboard.Port}");
            _ = ConsumerJson.Default.Reading;

            public sealed record Reading(double Value);

            [JsonSerializable(typeof(Reading))]
            internal sealed partial class ConsumerJson : JsonSerializerContext;
            """);
        File.WriteAllText(Path.Combine(dir, "Reflection.cs"), """
            using Switchboard;

            internal static class Reflection
            {
                // Reflection-based JSON: the trimming/AOT analyzers must flag this call.
                public static Task<string> SendAsync(SwitchboardClient client) => client.PublishEventAsync("t", "x.y", new Reading(1));
            }
            """);
        return dir;
    }
}
