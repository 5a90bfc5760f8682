using Switchboard.Fuzz.Targets;

namespace Switchboard.Fuzz;

/// <summary>One input through one parser: returns when the input was handled or refused as documented; anything it
/// throws is a finding.</summary>
internal delegate void FuzzTarget(ReadOnlySpan<byte> input);

/// <summary>The fuzz targets by name, as <c>bench/fuzz.sh</c>, <c>Program</c> and the replay tests name them.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyDictionary<string, FuzzTarget> All { get; } = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        ["wire"] = WireTarget.Run,
        ["envelope"] = EnvelopeTarget.Run,
        ["discovery"] = DiscoveryTarget.Run,
        ["template"] = TemplateTarget.Run,
    };

    public static FuzzTarget Get(string name) => All.TryGetValue(name, out var target)
        ? target
        : throw new ArgumentException($"Unknown fuzz target '{name}'; the targets are {string.Join(", ", All.Keys)}.", nameof(name));
}
