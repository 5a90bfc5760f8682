namespace Switchboard.HomeAssistant.State;

/// <summary>
/// State of a <c>water_heater</c> (<c>water_heater.py</c>, which shares climate's temperature handling): the measured
/// temperature on <c>current_temperature_topic</c>, the target on <c>temperature_state_topic</c> and the operation mode
/// on <c>mode_state_topic</c> (one of <c>modes</c>; it is also the state), each with its own template and
/// <c>value_template</c> as the fallback.
/// </summary>
internal static class WaterHeaterStateReducer
{
    public static readonly string[] DefaultModes = ["off", "eco", "electric", "gas", "heat_pump", "high_demand", "performance"];

    public static EntityState? Apply(StateContext context, string key) => key switch
    {
        "current_temperature_topic" => ClimateStateReducer.Number(context, "current_temperature_template", (s, v) => s with { CurrentTemperature = v }),
        "temperature_state_topic" => ClimateStateReducer.Number(context, "temperature_state_template", (s, v) => s with { TargetTemperature = v }),
        "mode_state_topic" => ClimateStateReducer.Mode(context, "mode_state_template", "modes", DefaultModes, (s, v) => s with { Mode = v, Value = v }),
        _ => null,
    };
}
