using System.Reflection;

namespace Switchboard.Tests.Routing;

public sealed class TopicTrieTests
{
    private static readonly string[] Alphabet = ["a", "b", "", "$SYS", "sport", "+", "#"];

    /// <summary>MQTT 5 §4.7, written as plainly as possible.</summary>
    internal static bool ReferenceMatches(string filter, string topic)
    {
        var f = filter.Split('/');
        var t = topic.Split('/');
        if (topic.StartsWith('$') && (f[0] == "+" || f[0] == "#"))
        {
            return false;
        }

        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                return true; // matches the parent level too: "sport/#" matches "sport"
            }

            if (i >= t.Length)
            {
                return false;
            }

            if (f[i] != "+" && f[i] != t[i])
            {
                return false;
            }
        }

        return f.Length == t.Length;
    }

    private sealed record Sub(int Id, string Filter);

    private static string RandomFilter(Random random)
    {
        var depth = random.Next(1, 5);
        var levels = new List<string>();
        for (var i = 0; i < depth; i++)
        {
            var level = Alphabet[random.Next(Alphabet.Length)];
            if (level == "#" && i != depth - 1)
            {
                level = "+";
            }

            levels.Add(level);
        }

        return string.Join('/', levels);
    }

    private static string RandomTopic(Random random)
    {
        var depth = random.Next(1, 5);
        var levels = new List<string>();
        for (var i = 0; i < depth; i++)
        {
            levels.Add(Alphabet[random.Next(Alphabet.Length - 2)]); // no wildcards in topics
        }

        return string.Join('/', levels);
    }

    private static List<int> Matches(TopicTrie<Sub> trie, string topic)
    {
        var results = new List<Sub>();
        trie.Match(topic, results);
        return [.. results.Select(s => s.Id).Order()];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(20240607)]
    public void Agrees_with_reference_matcher_on_random_filters_and_topics(int seed)
    {
        var random = new Random(seed);
        var trie = new TopicTrie<Sub>();
        var subs = new List<Sub>();
        for (var i = 0; i < 1500; i++)
        {
            var filter = RandomFilter(random);
            if (filter.Length == 0)
            {
                continue;
            }

            var sub = new Sub(i, filter);
            subs.Add(sub);
            trie.Add(filter, sub);
        }

        Assert.Equal(subs.Count, trie.Count);
        var topics = Enumerable.Range(0, 1000).Select(_ => RandomTopic(random)).Where(t => t.Length > 0).Distinct().ToList();
        CheckAll(trie, subs, topics);

        // Remove a random half (duplicated filters included) and check again.
        var removed = subs.Where(_ => random.Next(2) == 0).ToList();
        foreach (var sub in removed)
        {
            Assert.True(trie.Remove(sub.Filter, sub));
            Assert.False(trie.Remove(sub.Filter, sub));
        }

        var remaining = subs.Except(removed).ToList();
        Assert.Equal(remaining.Count, trie.Count);
        CheckAll(trie, remaining, topics);

        foreach (var sub in remaining)
        {
            Assert.True(trie.Remove(sub.Filter, sub));
        }

        Assert.Equal(0, trie.Count);
        Assert.All(topics, t => Assert.Empty(Matches(trie, t)));
        AssertPruned(trie);
    }

    private static void CheckAll(TopicTrie<Sub> trie, List<Sub> subs, List<string> topics)
    {
        var mismatches = new List<string>();
        foreach (var topic in topics)
        {
            var expected = subs.Where(s => ReferenceMatches(s.Filter, topic)).Select(s => s.Id).Order().ToList();
            var actual = Matches(trie, topic);
            if (!expected.SequenceEqual(actual))
            {
                var missing = expected.Except(actual).Select(id => subs.First(s => s.Id == id).Filter).Distinct();
                var extra = actual.Except(expected).Select(id => subs.First(s => s.Id == id).Filter).Distinct();
                mismatches.Add($"topic '{topic}': missing [{string.Join(", ", missing)}] extra [{string.Join(", ", extra)}] count {actual.Count} vs {expected.Count}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches.Take(20)));
    }

    private static void AssertPruned(TopicTrie<Sub> trie)
    {
        var root = typeof(TopicTrie<Sub>).GetField("_root", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(trie)!;
        var isEmpty = (bool)root.GetType().GetProperty("IsEmpty")!.GetValue(root)!;
        Assert.True(isEmpty, "removing every filter should leave an empty root node");
    }

    [Theory]
    [InlineData("sport/#", "sport", true)]
    [InlineData("sport/#", "sport/tennis/player1", true)]
    [InlineData("sport/#", "sports", false)]
    [InlineData("#", "$SYS/x", false)]
    [InlineData("+/x", "$SYS/x", false)]
    [InlineData("+", "$SYS", false)]
    [InlineData("$SYS/#", "$SYS/x", true)]
    [InlineData("$SYS/#", "$SYS", true)]
    [InlineData("$SYS/+", "$SYS/x", true)]
    [InlineData("a/+/b", "a//b", true)]
    [InlineData("a/+/b", "a/b", false)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("#", "/", true)]
    [InlineData("#", "a/b/c", true)]
    [InlineData("+/#", "a", true)]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/b/", false)]
    [InlineData("a/b/", "a/b/", true)]
    [InlineData("a/+", "a/b/c", false)]
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("A/b", "a/b", false)]
    public void Explicit_cases(string filter, string topic, bool expected)
    {
        Assert.Equal(expected, ReferenceMatches(filter, topic));
        var trie = new TopicTrie<Sub>();
        trie.Add(filter, new Sub(1, filter));
        Assert.Equal(expected ? [1] : [], Matches(trie, topic));
    }

    [Fact]
    public void A_filter_holds_several_values_and_each_matches_once()
    {
        var trie = new TopicTrie<Sub>();
        var one = new Sub(1, "a/+");
        var two = new Sub(2, "a/+");
        var three = new Sub(3, "a/#");
        trie.Add("a/+", one);
        trie.Add("a/+", two);
        trie.Add("a/#", three);

        Assert.Equal([1, 2, 3], Matches(trie, "a/x"));
        Assert.True(trie.Remove("a/+", one));
        Assert.Equal([2, 3], Matches(trie, "a/x"));
    }

    [Fact]
    public void Remove_prunes_so_nothing_matches_afterwards()
    {
        var trie = new TopicTrie<Sub>();
        var deep = new Sub(1, "a/b/c/d");
        var hash = new Sub(2, "a/b/#");
        trie.Add(deep.Filter, deep);
        trie.Add(hash.Filter, hash);

        Assert.True(trie.Remove(deep.Filter, deep));
        Assert.Equal([2], Matches(trie, "a/b/c/d"));
        Assert.True(trie.Remove(hash.Filter, hash));
        Assert.Empty(Matches(trie, "a/b/c/d"));
        Assert.Empty(Matches(trie, "a/b"));
        AssertPruned(trie);
    }

    [Fact]
    public void Remove_of_unknown_filter_or_value_returns_false()
    {
        var trie = new TopicTrie<Sub>();
        var sub = new Sub(1, "a/b");
        trie.Add("a/b", sub);
        Assert.False(trie.Remove("a/c", sub));
        Assert.False(trie.Remove("a/b", new Sub(1, "a/b") with { Id = 2 }));
        Assert.False(trie.Remove("a/b/c", sub));
        Assert.Equal(1, trie.Count);
        Assert.Equal([1], Matches(trie, "a/b"));
    }

    [Fact]
    public void Match_appends_to_existing_results()
    {
        var trie = new TopicTrie<Sub>();
        trie.Add("x", new Sub(2, "x"));
        var results = new List<Sub> { new(1, "pre-existing") };
        trie.Match("x", results);
        Assert.Equal([1, 2], results.Select(r => r.Id));
    }
}
