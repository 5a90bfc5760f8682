using System.Text.Json.Serialization;

namespace Switchboard;

/// <summary>
/// The <c>data</c> of a <c>switchboard.dead_letter</c> envelope: a message whose handler kept failing, republished to
/// <see cref="SwitchboardOptions.DeadLetterTopic"/> when it was acknowledged as poison.
/// </summary>
/// <param name="Topic">Where the message was published.</param>
/// <param name="Attempts">How many times its handler failed.</param>
/// <param name="Error">The last handler error.</param>
/// <param name="Payload">The payload: as text when it is valid UTF-8, else base64.</param>
/// <param name="PayloadEncoding"><c>utf-8</c> or <c>base64</c>.</param>
internal sealed record DeadLetter(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("payload")] string Payload,
    [property: JsonPropertyName("payload_encoding")] string PayloadEncoding);
