namespace Switchboard;

/// <summary>
/// Topic filters arranged by level, so matching a topic walks its levels instead of testing every filter: the cost
/// grows with the topic's depth and the number of matches, not with the number of subscriptions. Not thread-safe.
/// </summary>
/// <typeparam name="T">The value stored per filter.</typeparam>
internal sealed class TopicTrie<T>
    where T : class
{
    private readonly Node _root = new();

    public int Count { get; private set; }

    /// <summary>Adds a value under a (matching) filter; a filter may hold several values.</summary>
    public void Add(string filter, T value)
    {
        var node = _root;
        foreach (var level in filter.Split('/'))
        {
            node = level switch
            {
                "+" => node.Plus ??= new Node(),
                "#" => node.Hash ??= new Node(),
                _ => node.Children.TryGetValue(level, out var child) ? child : node.Children[level] = new Node(),
            };
        }

        node.Values.Add(value);
        Count++;
    }

    /// <summary>Removes one value from a filter; returns false when it was not there.</summary>
    public bool Remove(string filter, T value)
    {
        var path = new List<(Node Parent, string Level, Node Node)>();
        var node = _root;
        foreach (var level in filter.Split('/'))
        {
            Node? next = level switch
            {
                "+" => node.Plus,
                "#" => node.Hash,
                _ => node.Children.GetValueOrDefault(level),
            };
            if (next is null)
            {
                return false;
            }

            path.Add((node, level, next));
            node = next;
        }

        if (!node.Values.Remove(value))
        {
            return false;
        }

        Count--;
        // Prune empty branches so a long-running client that subscribes and unsubscribes doesn't accumulate nodes.
        for (var i = path.Count - 1; i >= 0; i--)
        {
            var (parent, level, child) = path[i];
            if (!child.IsEmpty)
            {
                break;
            }

            switch (level)
            {
                case "+": parent.Plus = null; break;
                case "#": parent.Hash = null; break;
                default: parent.Children.Remove(level); break;
            }
        }

        return true;
    }

    /// <summary>Appends every value whose filter matches <paramref name="topic"/> to <paramref name="results"/>.</summary>
    public void Match(string topic, List<T> results)
    {
        // [MQTT-4.7.2-1]: a filter starting with a wildcard does not match topics starting with '$'.
        var dollar = topic.Length > 0 && topic[0] == '$';
        Match(_root, topic, 0, !dollar, results);
    }

    private static void Match(Node node, string topic, int start, bool wildcardsAllowed, List<T> results)
    {
        var end = topic.IndexOf('/', start);
        var level = end < 0 ? topic.AsSpan(start) : topic.AsSpan(start, end - start);

        if (wildcardsAllowed)
        {
            if (node.Hash is { } hash)
            {
                results.AddRange(hash.Values);
            }

            if (node.Plus is { } plus)
            {
                Descend(plus, topic, end, results);
            }
        }

        if (node.Children.Count > 0 && node.Lookup.TryGetValue(level, out var child))
        {
            Descend(child, topic, end, results);
        }
    }

    private static void Descend(Node node, string topic, int separator, List<T> results)
    {
        if (separator < 0)
        {
            // The topic ends here: filters ending here match, and so does "x/#" for topic "x" ([MQTT-4.7.1-2]).
            results.AddRange(node.Values);
            if (node.Hash is { } hash)
            {
                results.AddRange(hash.Values);
            }

            return;
        }

        Match(node, topic, separator + 1, true, results);
    }

    private sealed class Node
    {
        public Node()
        {
            Lookup = Children.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public Dictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

        public Node? Plus { get; set; }

        public Node? Hash { get; set; }

        public List<T> Values { get; } = [];

        public bool IsEmpty => Values.Count == 0 && Children.Count == 0 && Plus is null && Hash is null;
    }
}
