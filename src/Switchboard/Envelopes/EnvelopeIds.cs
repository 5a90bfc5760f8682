namespace Switchboard;

/// <summary>Envelope ids: a UUID as 32 lowercase hex characters without dashes, as Python's <c>uuid4().hex</c>.</summary>
internal static class EnvelopeIds
{
    public static string New() => Guid.NewGuid().ToString("N");
}
