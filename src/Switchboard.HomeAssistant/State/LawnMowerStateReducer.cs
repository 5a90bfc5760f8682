namespace Switchboard.HomeAssistant.State;

/// <summary>State of a <c>lawn_mower</c> (<c>lawn_mower.py</c>): the activity on <c>activity_state_topic</c> through
/// <c>activity_value_template</c>, one of <c>mowing</c>, <c>paused</c>, <c>docked</c>, <c>returning</c>, <c>error</c>
/// (<c>None</c> makes it unknown).</summary>
internal static class LawnMowerStateReducer
{
    public static readonly string[] Activities = ["mowing", "paused", "docked", "returning", "error"];

    public static EntityState? Apply(StateContext context)
    {
        var value = context.Render("activity_value_template");
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value == StateContext.PayloadNone)
        {
            return context.Current with { Value = null };
        }

        return Activities.Contains(value) ? context.Current with { Value = value } : context.Invalid(value, $"not one of {string.Join(", ", Activities)}");
    }
}
