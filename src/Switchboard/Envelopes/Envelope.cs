namespace Switchboard;

/// <summary>
/// The JSON envelope the services exchange:
/// <c>{"id":"…32 hex…","type":"stt.final","ts":1712345678.123456,"source":"tars-stt","data":{…}}</c>.
/// </summary>
/// <typeparam name="T">Type of <c>data</c>; a JSON object on the wire.</typeparam>
/// <param name="Id">Message id, or the correlation id of the request it answers.</param>
/// <param name="Type">Event type, e.g. <c>memory.query.result</c>.</param>
/// <param name="Timestamp">Unix time in seconds (<c>ts</c>).</param>
/// <param name="Source">Name of the sending service (<c>source</c>).</param>
/// <param name="Data">The payload object.</param>
public sealed record Envelope<T>(string Id, string Type, double Timestamp, string Source, T Data)
{
    /// <summary>The MQTT message the envelope arrived in (null for envelopes built in code).</summary>
    public MqttMessage? Message { get; init; }
}
