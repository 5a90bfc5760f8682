using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace Switchboard.Bench;

/// <summary>
/// Which types a run allocates: the runtime's GCAllocationTick events (one sample about every 100 KB allocated, with the
/// type of the object that crossed the threshold), summed per type. Enabled by <c>--alloc-profile</c>; it costs a
/// little throughput, so its runs are for reading, not for the table.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Lock _lock = new();
    private Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is null)
        {
            return;
        }

        var type = Payload(eventData, "TypeName") as string ?? "?";
        var amount = Payload(eventData, "AllocationAmount64") is ulong big ? (long)big : Convert.ToInt64(Payload(eventData, "AllocationAmount") ?? 0, CultureInfo.InvariantCulture);
        lock (_lock)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
        }
    }

    private static object? Payload(EventWrittenEventArgs e, string name)
    {
        var index = e.PayloadNames!.IndexOf(name);
        return index >= 0 ? e.Payload![index] : null;
    }

    /// <summary>Takes the samples collected so far and starts over.</summary>
    public Dictionary<string, long> Take()
    {
        lock (_lock)
        {
            var taken = _bytesByType;
            _bytesByType = new Dictionary<string, long>(StringComparer.Ordinal);
            return taken;
        }
    }

    /// <summary>The top types of one run as bytes per message, scaled so they add up to the measured total.</summary>
    public static string Render(string title, Dictionary<string, long> samples, double allocBytesPerMsg, int top = 15)
    {
        var sampled = samples.Values.Sum();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{title}: {allocBytesPerMsg:0} B/msg, {samples.Count} types sampled");
        if (sampled == 0)
        {
            return text.ToString();
        }

        foreach (var (type, bytes) in samples.OrderByDescending(kv => kv.Value).Take(top))
        {
            var share = bytes / (double)sampled;
            text.AppendLine(CultureInfo.InvariantCulture, $"  {share * allocBytesPerMsg,7:0} B/msg  {share,6:P1}  {type}");
        }

        return text.ToString();
    }
}
