using System.Text;
using System.Text.Json;

namespace Switchboard.Dashboard.Services;

/// <summary>
/// Every service that announces itself the Switchboard way: retained <c>health.status</c> envelopes on
/// <c>system/health/+</c> and plain-JSON heartbeats on <c>system/keepalive/+</c> (design §4). A heartbeat's interval is
/// learned from the gap between two of them (the configured default until then). A message that is not what it should
/// be is shown as the service's problem, never thrown.
/// </summary>
internal sealed class ServiceMonitor(TimeSpan defaultInterval, TimeProvider time)
{
    /// <summary>Services kept at most; a flood of made-up ids cannot grow the page without bound.</summary>
    private const int MaxServices = 1_000;

    /// <summary>Characters kept of each text a service sends (event, error, source, a heartbeat's extra fields): a
    /// service that puts a megabyte into its heartbeat must not make the dashboard hold a megabyte per service.</summary>
    private const int MaxText = 1_024;

    /// <summary>Gaps between heartbeats remembered; the interval is their median.</summary>
    private const int GapMemory = 5;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _services = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>Grows on every change, so a page can tell whether to ask again.</summary>
    public long Version => Volatile.Read(ref _version);

    public static string HealthFilter => "system/health/+";

    public static string HeartbeatFilter => "system/keepalive/+";

    /// <summary>Takes a message from <see cref="HealthFilter"/>.</summary>
    public void OnHealth(MqttMessage message)
    {
        var id = LastLevel(message.Topic);
        var now = time.GetUtcNow();
        if (message.Payload.IsEmpty)
        {
            // An empty retained payload clears a service's health: it is gone for good.
            lock (_gate)
            {
                if (_services.Remove(id))
                {
                    _version++;
                }
            }

            return;
        }

        bool? ok = null;
        string? ev = null, err = null, source = null, problem = null;
        try
        {
            using var document = JsonDocument.Parse(message.Payload);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            {
                source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                ok = data.TryGetProperty("ok", out var o) && o.ValueKind is JsonValueKind.True or JsonValueKind.False ? o.GetBoolean() : null;
                ev = data.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                err = data.TryGetProperty("err", out var x) && x.ValueKind == JsonValueKind.String ? x.GetString() : null;
                if (ok is null)
                {
                    problem = "health envelope without a boolean data.ok";
                }
            }
            else
            {
                problem = "health message is not a health.status envelope";
            }
        }
        catch (JsonException)
        {
            problem = "health message is not JSON";
        }

        Update(id, entry =>
        {
            entry.Ok = ok;
            entry.Event = Cap(ev);
            entry.Error = Cap(err);
            entry.Source = Cap(source);
            entry.HealthAt = now;
            entry.Problem = problem;
        });
    }

    /// <summary>Takes a message from <see cref="HeartbeatFilter"/>.</summary>
    public void OnHeartbeat(MqttMessage message)
    {
        var id = LastLevel(message.Topic);
        var now = time.GetUtcNow();
        string? extra = null;
        string? problem = null;
        try
        {
            using var document = JsonDocument.Parse(message.Payload);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                // Anything beyond the standard fields (client stats, a version …) is shown as it came.
                var builder = new StringBuilder();
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name is "ok" or "event" or "timestamp")
                    {
                        continue;
                    }

                    builder.Append(builder.Length > 0 ? ", " : string.Empty).Append(property.Name).Append('=').Append(property.Value.GetRawText());
                    if (builder.Length > MaxText)
                    {
                        break;
                    }
                }

                extra = builder.Length > 0 ? Cap(builder.ToString()) : null;
            }
            else
            {
                problem = "heartbeat is not a JSON object";
            }
        }
        catch (JsonException)
        {
            problem = "heartbeat is not JSON";
        }

        Update(id, entry =>
        {
            if (entry.HeartbeatAt is { } previous && now > previous)
            {
                entry.AddGap(now - previous);
            }

            entry.HeartbeatAt = now;
            entry.Extra = extra;
            entry.HeartbeatProblem = problem;
        });
    }

    private void Update(string id, Action<Entry> change)
    {
        lock (_gate)
        {
            if (!_services.TryGetValue(id, out var entry))
            {
                if (_services.Count >= MaxServices)
                {
                    return;
                }

                _services[id] = entry = new Entry();
            }

            change(entry);
            _version++;
        }
    }

    /// <summary>Every service, sorted by id, with heartbeat ages as of now.</summary>
    public IReadOnlyList<ServiceRow> Snapshot()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return [.. _services.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value.ToRow(p.Key, now, defaultInterval))];
        }
    }

    private static string LastLevel(string topic) => topic[(topic.LastIndexOf('/') + 1)..];

    private static string? Cap(string? text) => text is { Length: > MaxText } ? string.Concat(text.AsSpan(0, MaxText), "…") : text;

    private sealed class Entry
    {
        public bool? Ok { get; set; }

        public string? Event { get; set; }

        public string? Error { get; set; }

        public string? Source { get; set; }

        public DateTimeOffset? HealthAt { get; set; }

        public DateTimeOffset? HeartbeatAt { get; set; }

        /// <summary>The median of the last few gaps between heartbeats: one gap is not the interval. A service whose
        /// connection was down for an hour sends nothing meanwhile (the gap is an hour), one that reconnects may send
        /// early; taken as its interval, either would make "stale" mean nothing (hours late) or flicker.</summary>
        public TimeSpan? Interval
        {
            get
            {
                if (_gapCount == 0)
                {
                    return null;
                }

                var sorted = _gaps[.._gapCount];
                Array.Sort(sorted);
                return sorted[(_gapCount - 1) / 2];
            }
        }

        private readonly TimeSpan[] _gaps = new TimeSpan[GapMemory];
        private int _gapCount;
        private int _nextGap;

        public void AddGap(TimeSpan gap)
        {
            _gaps[_nextGap] = gap;
            _nextGap = (_nextGap + 1) % GapMemory;
            _gapCount = Math.Min(_gapCount + 1, GapMemory);
        }

        public string? Extra { get; set; }

        public string? Problem { get; set; }

        public string? HeartbeatProblem { get; set; }

        public ServiceRow ToRow(string id, DateTimeOffset now, TimeSpan defaultInterval)
        {
            var interval = Interval ?? defaultInterval;
            double? age = HeartbeatAt is { } at ? Math.Max(0, (now - at).TotalSeconds) : null;

            // Stale: two heartbeats missed. A service that never sent one is not judged by heartbeats.
            var stale = age is { } a && a > 2 * interval.TotalSeconds;
            return new ServiceRow(id, Ok, Event, Error, Source, HealthAt, HeartbeatAt, HeartbeatAt is null ? null : interval.TotalSeconds, age, stale, Extra, Problem ?? HeartbeatProblem);
        }
    }
}
