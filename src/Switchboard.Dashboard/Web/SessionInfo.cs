namespace Switchboard.Dashboard.Web;

/// <summary>What the page learns when it loads: the anti-forgery token its controls must carry, and the header for it.</summary>
internal sealed record SessionInfo(string Csrf, string HeaderName);
