using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Dashboard.Web;

/// <summary>
/// The first thing every request meets. It sets headers that keep the page from being framed or from running anything
/// but its own script; on a loopback listener it refuses Host names other than loopback ones (a page elsewhere that
/// rebinds its DNS name to 127.0.0.1 must not reach the controls); with a token, it lets through only requests that
/// carry it — <c>?token=</c> (turned into an HttpOnly cookie and redirected away, so it does not stay in the address
/// bar), the cookie, or <c>Authorization: Bearer</c>.
/// </summary>
internal sealed class AccessGuard(string? token, IPAddress listenAddress)
{
    /// <summary>The token cookie's name, followed by the port: cookies are per host, not per port, and two dashboards
    /// on one machine with their own tokens must not overwrite each other's.</summary>
    public const string CookiePrefix = "switchboard_dashboard_token_";

    // Compared as SHA-256 digests: equal lengths, so the comparison tells nothing about the token's length either.
    private readonly byte[]? _token = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";

        if (IPAddress.IsLoopback(listenAddress) && !IsLoopbackHost(context.Request.Host.Host))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This dashboard listens on loopback and answers only to localhost, 127.0.0.1 or [::1].", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (_token is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (context.Request.Query.TryGetValue("token", out var fromQuery))
        {
            if (!Matches(fromQuery.ToString()))
            {
                await RefuseAsync(context).ConfigureAwait(false);
                return;
            }

            context.Response.Cookies.Append(CookieName(context), fromQuery.ToString(), new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
            context.Response.Redirect(LocalPath(context.Request));
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        var presented = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : context.Request.Cookies[CookieName(context)];
        if (presented is null || !Matches(presented))
        {
            await RefuseAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>Where a request with <c>?token=</c> is sent back to: its own path, without the query. Never
    /// <c>//host/…</c> or <c>/\host/…</c> (a request for <c>//evil.example/?token=…</c> must not be redirected off the
    /// dashboard: browsers read such a Location as another site's address), so leading slashes collapse into one.</summary>
    private static string LocalPath(HttpRequest request) =>
        "/" + (request.PathBase + request.Path).ToString().TrimStart('/', '\\');

    private static string CookieName(HttpContext context) => CookiePrefix + context.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private bool Matches(string presented) => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _token);

    private static Task RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("This dashboard needs its token: open it as /?token=<token> (the token given to 'switchboard dashboard --token').", context.RequestAborted);
    }

    private static bool IsLoopbackHost(string host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
