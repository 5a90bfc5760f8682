namespace Switchboard.HomeAssistant.State;

/// <summary>State of an <c>alarm_control_panel</c>: the rendered <c>value_template</c> must be one of Home Assistant's
/// alarm states (<c>None</c> makes it unknown); anything else is counted and ignored.</summary>
internal static class AlarmControlPanelStateReducer
{
    /// <summary>Home Assistant's <c>AlarmControlPanelState</c> values.</summary>
    public static readonly string[] States =
    [
        "disarmed", "armed_home", "armed_away", "armed_night", "armed_vacation", "armed_custom_bypass", "pending", "arming",
        "disarming", "triggered",
    ];

    public static EntityState? Apply(StateContext context)
    {
        var value = context.Render("value_template");
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value == StateContext.PayloadNone)
        {
            return context.Current with { Value = null };
        }

        return States.Contains(value) ? context.Current with { Value = value } : context.Invalid(value, $"not one of {string.Join(", ", States)}");
    }
}
