namespace Switchboard.HomeAssistant.State;

/// <summary>State of a <c>switch</c> (<c>state_on</c>/<c>state_off</c>, defaulting to <c>payload_on</c>/<c>payload_off</c>)
/// and a <c>binary_sensor</c> (<c>payload_on</c>/<c>payload_off</c>), both through <c>value_template</c>.</summary>
internal static class OnOffStateReducer
{
    public static EntityState? Apply(StateContext context)
    {
        var value = context.Render("value_template");
        if (value is null)
        {
            return null;
        }

        var config = context.Config;
        var payloadOn = config.GetString("payload_on", "ON");
        var payloadOff = config.GetString("payload_off", "OFF");
        var stateOn = context.Definition.Component == HomeAssistantComponents.Switch ? config.GetString("state_on", payloadOn) : payloadOn;
        var stateOff = context.Definition.Component == HomeAssistantComponents.Switch ? config.GetString("state_off", payloadOff) : payloadOff;
        if (value == stateOn)
        {
            return context.Current with { IsOn = true, Value = "on" };
        }

        if (value == stateOff)
        {
            return context.Current with { IsOn = false, Value = "off" };
        }

        if (value == StateContext.PayloadNone)
        {
            return context.Current with { IsOn = null, Value = null };
        }

        return value.Length == 0 ? null : context.Invalid(value, $"expected '{stateOn}' or '{stateOff}'");
    }
}
