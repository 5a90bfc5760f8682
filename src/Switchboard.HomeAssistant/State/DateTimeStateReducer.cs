using System.Globalization;

namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of a <c>date</c>, <c>time</c> or <c>datetime</c> (<c>date.py</c>, <c>time.py</c>, <c>datetime.py</c>): the
/// rendered <c>value_template</c> parsed as a date/time, and kept as Python's <c>isoformat()</c> of the part the
/// platform has (<c>2024-05-01</c>, <c>07:30:00</c>, <c>2024-05-01T07:30:00+00:00</c>; a date and time without an
/// offset counts as UTC). <c>None</c> makes it unknown; text that is not a date/time is counted and ignored.
/// </summary>
internal static class DateTimeStateReducer
{
    public static EntityState? Apply(StateContext context, string value)
    {
        if (value == StateContext.PayloadNone)
        {
            return context.Current with { Value = null };
        }

        if (value.Length == 0)
        {
            return null;
        }

        var text = value.Trim();
        switch (context.Definition.Component)
        {
            case HomeAssistantComponents.Time:
                if (TimeOnly.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
                {
                    return context.Current with { Value = IsoTime(time) };
                }

                break;
            default:
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return context.Current with
                    {
                        Value = context.Definition.Component == HomeAssistantComponents.Date ? IsoDate(DateOnly.FromDateTime(parsed.DateTime)) : IsoDateTime(parsed),
                    };
                }

                break;
        }

        return context.Invalid(value, $"not a {context.Definition.Component}");
    }

    /// <summary>Python's <c>date.isoformat()</c>.</summary>
    public static string IsoDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Python's <c>time.isoformat()</c>: microseconds only when there are some.</summary>
    public static string IsoTime(TimeOnly time) =>
        time.ToString(time.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    /// <summary>Python's <c>datetime.isoformat()</c> of an aware datetime.</summary>
    public static string IsoDateTime(DateTimeOffset value) =>
        IsoDate(DateOnly.FromDateTime(value.DateTime)) + "T" + IsoTime(TimeOnly.FromDateTime(value.DateTime)) + value.ToString("zzz", CultureInfo.InvariantCulture);
}
