using BenchmarkDotNet.Attributes;

namespace Switchboard.Micro;

/// <summary>TopicTrie.Match with 10 / 1k / 10k home-automation filters (see <see cref="HomeAutomationFilters"/>).</summary>
[MemoryDiagnoser]
public class TopicMatchBenchmarks
{
    private readonly List<object> _results = new(16);
    private TopicTrie<object> _trie = null!;
    private int _next;

    [Params(10, 1_000, 10_000)]
    public int Filters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _trie = new TopicTrie<object>();
        foreach (var filter in HomeAutomationFilters.Take(Filters))
        {
            _trie.Add(filter, new object());
        }
    }

    /// <summary>Typical traffic, round robin over eight topics that each match one or more filters.</summary>
    [Benchmark]
    public int MatchTypical()
    {
        var topics = HomeAutomationFilters.TypicalTopics;
        _next = (_next + 1) % topics.Length;
        _results.Clear();
        _trie.Match(topics[_next], _results);
        return _results.Count;
    }

    /// <summary>A topic nobody subscribed to.</summary>
    [Benchmark]
    public int MatchMiss()
    {
        _results.Clear();
        _trie.Match("office/floor2/printer/status", _results);
        return _results.Count;
    }
}
