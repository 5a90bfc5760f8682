namespace Switchboard.HomeAssistant.State;

/// <summary>State of a <c>lock</c>: the rendered value matched against <c>state_locked</c>, <c>state_unlocked</c>,
/// <c>state_locking</c>, <c>state_unlocking</c>, <c>state_jammed</c>, <c>state_open</c>, <c>state_opening</c>.</summary>
internal static class LockStateReducer
{
    private static readonly (string Key, string Default, string State)[] States =
    [
        ("state_locked", "LOCKED", "locked"),
        ("state_unlocked", "UNLOCKED", "unlocked"),
        ("state_locking", "LOCKING", "locking"),
        ("state_unlocking", "UNLOCKING", "unlocking"),
        ("state_jammed", "MOTOR_JAMMED", "jammed"),
        ("state_open", "OPEN", "open"),
        ("state_opening", "OPENING", "opening"),
    ];

    public static EntityState? Apply(StateContext context)
    {
        var value = context.Render("value_template");
        if (value is null || value.Length == 0)
        {
            return null;
        }

        foreach (var (key, fallback, state) in States)
        {
            if (value == context.Config.GetString(key, fallback))
            {
                return context.Current with { Value = state };
            }
        }

        return value == StateContext.PayloadNone
            ? context.Current with { Value = null }
            : context.Invalid(value, "not one of the configured lock states");
    }
}
