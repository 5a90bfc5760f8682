using Switchboard.Fuzz;

namespace Switchboard.HomeAssistant.Tests.Fuzz;

/// <summary>
/// Replays the fuzzing corpus of the discovery parser and the template engine (bench/Switchboard.Fuzz/corpus: the
/// seeds, and under regressions/ every input a fuzzing run found a bug with) through the same target code afl-fuzz
/// runs, so a fixed crash stays fixed.
/// </summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in new[] { "discovery", "template" })
        {
            var corpus = Replay.CorpusDirectory(target);
            foreach (var file in Replay.Files(corpus))
            {
                data.Add(target, Path.GetRelativePath(corpus, file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Input_is_handled_or_refused_as_documented(string target, string file)
    {
        var finding = Replay.RunFile(FuzzTargets.Get(target), Path.Combine(Replay.CorpusDirectory(target), file));
        Assert.True(finding is null, $"{target}/{file}: {finding}");
    }

    [Fact]
    public void Every_target_has_a_seed_corpus()
    {
        Assert.All(new[] { "discovery", "template" }, target => Assert.NotEmpty(Replay.Files(Replay.CorpusDirectory(target))));
    }
}
