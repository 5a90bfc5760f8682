namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of a <c>camera</c> (<c>topic</c>) and an <c>image</c> (<c>image_topic</c> or <c>url_topic</c>), as
/// <c>camera.py</c> and <c>image.py</c> read them: the payload bytes as they came (base64-decoded first with
/// <c>image_encoding: b64</c>), or the URL rendered by <c>url_template</c>. A payload that is not valid base64 is counted
/// and ignored.
/// </summary>
internal static class ImageStateReducer
{
    public static EntityState? Apply(StateContext context, string key)
    {
        var config = context.Config;
        if (key == "url_topic")
        {
            var url = context.Render("url_template");
            if (string.IsNullOrEmpty(url))
            {
                return null;
            }

            return context.Current with { Image = new ImageInfo { Url = url, ContentType = config.GetString("content_type") } };
        }

        if (key is not ("topic" or "image_topic"))
        {
            return null;
        }

        ReadOnlyMemory<byte> bytes;
        if (config.GetString("image_encoding") == "b64")
        {
            try
            {
                bytes = Convert.FromBase64String(context.Payload.Trim());
            }
            catch (FormatException)
            {
                return context.Invalid(context.Payload.Length > 64 ? context.Payload[..64] + "…" : context.Payload, "not base64 (image_encoding is b64)");
            }
        }
        else
        {
            bytes = context.RawPayload.ToArray();
        }

        var contentType = context.Definition.Component == HomeAssistantComponents.Camera ? "image/jpeg" : config.GetString("content_type", "image/jpeg");
        return context.Current with { Image = new ImageInfo { Bytes = bytes, ContentType = contentType } };
    }
}
