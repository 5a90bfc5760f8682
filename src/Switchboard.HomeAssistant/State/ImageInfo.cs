namespace Switchboard.HomeAssistant;

/// <summary>
/// The last image of a <c>camera</c> (<c>topic</c>) or an <c>image</c> entity (<c>image_topic</c> with its
/// <c>content_type</c>, or <c>url_topic</c> through <c>url_template</c>). With <c>image_encoding: b64</c> the payload is
/// decoded from base64 first.
/// </summary>
public sealed record ImageInfo
{
    /// <summary>The image bytes; empty when the entity reports a <see cref="Url"/>.</summary>
    public ReadOnlyMemory<byte> Bytes { get; init; }

    /// <summary>The MIME type: <c>content_type</c> of an image (<c>image/jpeg</c> by default); <c>image/jpeg</c> for a camera.</summary>
    public string? ContentType { get; init; }

    /// <summary>The image URL, for an <c>image</c> with <c>url_topic</c>.</summary>
    public string? Url { get; init; }
}
