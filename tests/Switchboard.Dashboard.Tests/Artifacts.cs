namespace Switchboard.Dashboard.Tests;

/// <summary>Where tests leave files for people to look at: beside scripts/test.sh's results when it runs them, else in
/// the test's output folder.</summary>
internal static class Artifacts
{
    public static string PathFor(string name)
    {
        var folder = Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_TMP") is { Length: > 0 } tmp
            ? Path.GetDirectoryName(Path.GetFullPath(tmp.TrimEnd('/')))!
            : Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
