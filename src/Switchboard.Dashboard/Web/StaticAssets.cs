using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Dashboard.Web;

/// <summary>The page's files, read once from the assembly's embedded resources (<c>wwwroot/…</c>).</summary>
internal sealed class StaticAssets
{
    private readonly FrozenDictionary<string, (byte[] Content, string ContentType)> _files;

    public StaticAssets()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files["/" + name["wwwroot/".Length..]] = (buffer.ToArray(), ContentTypeOf(name));
        }

        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> Paths => _files.Keys;

    public Task ServeAsync(HttpContext context, string path)
    {
        var (content, contentType) = _files[path];
        context.Response.ContentType = contentType;
        context.Response.ContentLength = content.Length;
        return context.Response.Body.WriteAsync(content, context.RequestAborted).AsTask();
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
