using System.Text.Json.Serialization;

namespace Switchboard;

/// <summary>The plain-JSON heartbeat on <c>system/keepalive/{client_id}</c>.</summary>
/// <param name="Ok">Always true: a heartbeat is only sent by a running service.</param>
/// <param name="Event">Always <c>heartbeat</c>.</param>
/// <param name="Timestamp">Unix seconds.</param>
public sealed record Heartbeat(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("timestamp"), JsonConverter(typeof(UnixTimestampConverter))] double Timestamp);
