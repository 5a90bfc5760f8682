using System.Text.Json.Serialization;

namespace Switchboard;

/// <summary>The <c>data</c> of a <c>health.status</c> envelope on <c>system/health/{client_id}</c>.</summary>
/// <param name="MessageId">A fresh 32-hex id per status message.</param>
/// <param name="Ok">Whether the service is healthy.</param>
/// <param name="Event">What happened: <c>ready</c>, <c>shutdown</c>, <c>lost</c> (the will) or your own.</param>
/// <param name="Timestamp">Unix seconds.</param>
/// <param name="Err">An error description, only when set.</param>
public sealed record HealthStatusMessage(
    [property: JsonPropertyName("message_id")] string MessageId,
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("timestamp"), JsonConverter(typeof(UnixTimestampConverter))] double Timestamp,
    [property: JsonPropertyName("err"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Err = null);
