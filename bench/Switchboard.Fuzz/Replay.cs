namespace Switchboard.Fuzz;

/// <summary>
/// Runs saved inputs through a target in this process: the corpus and regression tests, and triage of what afl found.
/// A stack overflow still ends the process, as it does under afl; every other finding is reported per file.
/// </summary>
internal static class Replay
{
    /// <summary>
    /// The checked-in corpus of <paramref name="target"/> (<c>bench/Switchboard.Fuzz/corpus/&lt;target&gt;</c>, its
    /// <c>regressions/</c> included), found from the running assembly upwards so tests find it from their output folder.
    /// </summary>
    public static string CorpusDirectory(string target)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var corpus = Path.Combine(directory.FullName, "bench", "Switchboard.Fuzz", "corpus", target);
            if (File.Exists(Path.Combine(directory.FullName, "Switchboard.slnx")) && Directory.Exists(corpus))
            {
                return corpus;
            }
        }

        throw new DirectoryNotFoundException($"No bench/Switchboard.Fuzz/corpus/{target} above {AppContext.BaseDirectory}.");
    }

    /// <summary>Every file under <paramref name="directory"/>, subdirectories included, in a stable order.</summary>
    public static IReadOnlyList<string> Files(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(path => !Path.GetFileName(path).StartsWith('.') && Path.GetFileName(path) is not ("README.txt" or "README.md"))
            .Order(StringComparer.Ordinal)];

    /// <summary>Runs one file; null when the target accepted or refused it as documented, else the finding.</summary>
    public static Exception? RunFile(FuzzTarget target, string path)
    {
        try
        {
            target(File.ReadAllBytes(path));
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>Runs every file of <paramref name="directory"/> and prints the findings; the exit code is 1 when there are any.</summary>
    public static int Run(string targetName, string directory)
    {
        var target = FuzzTargets.Get(targetName);
        var files = Files(directory);
        var findings = 0;
        foreach (var path in files)
        {
            if (RunFile(target, path) is { } finding)
            {
                findings++;
                Console.WriteLine($"FINDING {path}: {finding}");
            }
        }

        Console.WriteLine($"{targetName}: {files.Count} input(s), {findings} finding(s)");
        return findings == 0 ? 0 : 1;
    }
}
