using System.Globalization;

namespace Switchboard.Simulator;

/// <summary>
/// How a simulated device misbehaves, to test what depends on it: it can drop commands, report its state late, publish
/// malformed (not JSON) state payloads, and publish a malformed discovery config. Combine them freely;
/// <see cref="None"/> is a well-behaved device. Set with <see cref="SimulatedHome.SetMisbehaviour"/>.
/// </summary>
public sealed record Misbehaviour
{
    /// <summary>The longest <see cref="StateDelay"/> accepted.</summary>
    public static readonly TimeSpan MaxStateDelay = TimeSpan.FromHours(1);

    /// <summary>A well-behaved device.</summary>
    public static Misbehaviour None { get; } = new();

    /// <summary>Commands are received and ignored (counted in <see cref="SimulatedHome.CommandsDropped"/>).</summary>
    public bool DropCommands { get; init; }

    /// <summary>Every state update is published this long after it happened (in order). Zero: at once.</summary>
    public TimeSpan StateDelay { get; init; }

    /// <summary>State payloads are published cut in half, so they are not JSON (<c>{"state":"ON","bri</c>). Turning it
    /// on publishes one such payload at once; turning it off publishes the real state again.</summary>
    public bool MalformedState { get; init; }

    /// <summary>The device's discovery configs are replaced (retained) by configs cut in half, which are not JSON.
    /// Turning it off announces the device properly again.</summary>
    public bool MalformedDiscovery { get; init; }

    /// <summary>True when nothing is wrong.</summary>
    public bool IsNone => this == None;

    /// <summary>Parses the command-line form: <c>none</c>, or a comma-separated list of <c>drop-commands</c>,
    /// <c>delay=&lt;seconds&gt;</c>, <c>malformed-state</c>, <c>malformed-discovery</c>.</summary>
    /// <exception cref="FormatException">Not in that form.</exception>
    public static Misbehaviour Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, value) = part.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? (part[..eq], part[(eq + 1)..]) : (part, null);
            result = name.ToLowerInvariant() switch
            {
                "none" when value is null => result,
                "drop-commands" when value is null => result with { DropCommands = true },
                "malformed-state" when value is null => result with { MalformedState = true },
                "malformed-discovery" when value is null => result with { MalformedDiscovery = true },
                "delay" when value is not null && double.TryParse(value.TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                    && seconds >= 0 && seconds <= MaxStateDelay.TotalSeconds => result with { StateDelay = TimeSpan.FromSeconds(seconds) },
                _ => throw new FormatException(
                    $"'{part}' is not a misbehaviour; use none, drop-commands, delay=<seconds up to {MaxStateDelay.TotalSeconds:0}>, malformed-state, malformed-discovery (comma-separated)."),
            };
        }

        return result;
    }

    /// <summary>The command-line form, <c>none</c> when nothing is wrong.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (DropCommands)
        {
            parts.Add("drop-commands");
        }

        if (StateDelay > TimeSpan.Zero)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"delay={StateDelay.TotalSeconds:0.###}s"));
        }

        if (MalformedState)
        {
            parts.Add("malformed-state");
        }

        if (MalformedDiscovery)
        {
            parts.Add("malformed-discovery");
        }

        return parts.Count == 0 ? "none" : string.Join(',', parts);
    }

    internal void Validate()
    {
        if (StateDelay < TimeSpan.Zero || StateDelay > MaxStateDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(StateDelay), StateDelay, $"Misbehaviour.StateDelay must be between 0 and {MaxStateDelay}.");
        }
    }
}
