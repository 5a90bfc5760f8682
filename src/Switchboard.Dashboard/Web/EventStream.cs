using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchboard.Dashboard.Web;

/// <summary>
/// Server-sent events to one page: a full update first, then what changed, at most every <see cref="MinGap"/> and at
/// least every <see cref="Tick"/>. Chosen over SignalR because the page only listens (controls are plain POSTs), the
/// browser's <c>EventSource</c> reconnects by itself when the dashboard comes back, and no client library has to be
/// shipped with the page.
/// </summary>
internal static class EventStream
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan MinGap = TimeSpan.FromMilliseconds(100);

    private static readonly byte[] Retry = "retry: 2000\n\n"u8.ToArray();
    private static readonly byte[] EventHead = "event: update\ndata: "u8.ToArray();
    private static readonly byte[] EventTail = "\n\n"u8.ToArray();

    public static async Task RunAsync(HttpContext context, DashboardFeed feed, TimeProvider time, CancellationToken stopping)
    {
        // Ends when the page goes away or the dashboard stops (a stop must not wait for open pages to leave).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = linked.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.Body.WriteAsync(Retry, ct).ConfigureAwait(false);

        var cursor = new DashboardFeed.Cursor();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var changed = feed.Changed;
                var update = feed.Next(cursor);
                await response.Body.WriteAsync(EventHead, ct).ConfigureAwait(false);
                await JsonSerializer.SerializeAsync(response.Body, update, DashboardJsonContext.Default.DashboardUpdate, ct).ConfigureAwait(false);
                await response.Body.WriteAsync(EventTail, ct).ConfigureAwait(false);
                await response.Body.FlushAsync(ct).ConfigureAwait(false);

                await Task.WhenAny(changed, Task.Delay(Tick, time, ct)).ConfigureAwait(false);
                await Task.Delay(MinGap, time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page went away (or the dashboard is stopping).
        }
    }
}
