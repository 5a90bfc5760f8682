namespace Switchboard;

/// <summary>Keeps passwords out of anything printed.</summary>
internal static class Secrets
{
    /// <summary>Masks the password of every URL of a comma-separated list (see <see cref="BrokerList"/>).</summary>
    public static string MaskUrls(string urls)
    {
        var entries = BrokerList.Split(urls);
        return entries.Count == 1 ? MaskUrl(urls) : string.Join(",", entries.Select(MaskUrl));
    }

    /// <summary>Replaces the password of <c>scheme://user:password@host</c> with <c>***</c>; leaves other text alone.</summary>
    public static string MaskUrl(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return url;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        if (at < 0)
        {
            // An unescaped '/', '?' or '#' inside the password ends the authority early ("mqtt://u:pa#ss@h");
            // when an '@' follows, treat everything up to it as credentials. Masking too much beats leaking.
            at = url.LastIndexOf('@');
            if (at < authorityStart)
            {
                return url;
            }
        }

        var colon = url.IndexOf(':', authorityStart, at - authorityStart);
        return colon < 0 ? url : string.Concat(url.AsSpan(0, colon + 1), "***", url.AsSpan(at));
    }
}
