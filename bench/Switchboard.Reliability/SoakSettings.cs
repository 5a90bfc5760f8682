using System.Globalization;

namespace Switchboard.Reliability;

/// <summary>How a soak runs: its length, traffic, fault and sampling cadence, and the growth thresholds.</summary>
public sealed record SoakSettings
{
    /// <summary>How long traffic runs (the drain and the last row come after it).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>QoS 1 messages per second, over all topics.</summary>
    public int MessagesPerSecond { get; init; } = 1000;

    /// <summary>Topics the traffic is spread over, each with its own sequence numbers.</summary>
    public int Topics { get; init; } = 4;

    /// <summary>Time between faults.</summary>
    public TimeSpan FaultInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time between resource rows.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows before this are printed but left out of the slopes: JIT, thread-pool growth and first-use
    /// caches make the first minute climb in any process.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait after traffic stops for the last acknowledgements and deliveries.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Resident memory slope (MiB/min) above which it counts as growth.</summary>
    /// <remarks>
    /// Thresholds are set well above what a healthy run drifts by and well below what a leak in the path the soak
    /// exercises produces: at 60,000 messages and 12 faults a minute, leaking 32 bytes a message is 1.8 MiB/min of
    /// heap, one socket or thread per fault is 12/min.
    /// </remarks>
    public double RssMiBPerMinute { get; init; } = 2;

    /// <summary>Live GC heap slope (MiB/min) above which it counts as growth.</summary>
    public double GcHeapMiBPerMinute { get; init; } = 0.5;

    /// <summary>Thread count slope (per minute) above which it counts as growth.</summary>
    public double ThreadsPerMinute { get; init; } = 1;

    /// <summary>Open handle slope (per minute) above which it counts as growth.</summary>
    public double HandlesPerMinute { get; init; } = 1;

    /// <summary>
    /// Reads <c>--soak MINUTES</c> (fractions allowed) or <c>--soak-seconds N</c>, and optionally
    /// <c>--rate</c>, <c>--topics</c>, <c>--fault-seconds</c>, <c>--sample-seconds</c>, <c>--warmup-seconds</c>.
    /// </summary>
    public static SoakSettings From(IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new SoakSettings();
        if (options.TryGetValue("soak-seconds", out var seconds))
        {
            settings = settings with { Duration = TimeSpan.FromSeconds(Number(seconds, "soak-seconds")) };
        }
        else if (options.TryGetValue("soak", out var minutes) && minutes != "true")
        {
            settings = settings with { Duration = TimeSpan.FromMinutes(Number(minutes, "soak")) };
        }

        if (options.TryGetValue("rate", out var rate))
        {
            settings = settings with { MessagesPerSecond = (int)Number(rate, "rate") };
        }

        if (options.TryGetValue("topics", out var topics))
        {
            settings = settings with { Topics = (int)Number(topics, "topics") };
        }

        if (options.TryGetValue("fault-seconds", out var fault))
        {
            settings = settings with { FaultInterval = TimeSpan.FromSeconds(Number(fault, "fault-seconds")) };
        }

        if (options.TryGetValue("sample-seconds", out var sample))
        {
            settings = settings with { SampleInterval = TimeSpan.FromSeconds(Number(sample, "sample-seconds")) };
        }

        if (options.TryGetValue("warmup-seconds", out var warmUp))
        {
            settings = settings with { WarmUp = TimeSpan.FromSeconds(Number(warmUp, "warmup-seconds")) };
        }

        settings.Validate();
        return settings;
    }

    /// <summary>Throws for a setting the soak cannot run with.</summary>
    public void Validate()
    {
        if (Duration <= TimeSpan.Zero || MessagesPerSecond <= 0 || Topics <= 0 || FaultInterval <= TimeSpan.Zero
            || SampleInterval <= TimeSpan.Zero || WarmUp < TimeSpan.Zero)
        {
            throw new ArgumentException($"invalid soak settings: {this}");
        }
    }

    private static double Number(string text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"--{name} needs a positive number, not '{text}'");
}
