using System.Text.Json;
using Switchboard.HomeAssistant.Templates;

namespace Switchboard.HomeAssistant.State;

/// <summary>Routes a state message to the reducer of the entity's component, and handles <c>json_attributes_topic</c>.</summary>
internal static class StateReducer
{
    /// <summary>The new state, or null when the message does not change anything.</summary>
    public static EntityState? Apply(StateContext context, string key)
    {
        if (key == StateTopics.JsonAttributes)
        {
            return ApplyAttributes(context);
        }

        return context.Definition.Component switch
        {
            HomeAssistantComponents.Light => LightStateReducer.Apply(context, key),
            HomeAssistantComponents.Switch or HomeAssistantComponents.BinarySensor => OnOffStateReducer.Apply(context),
            HomeAssistantComponents.Cover => CoverStateReducer.Apply(context, key),
            HomeAssistantComponents.Climate => ClimateStateReducer.Apply(context, key),
            HomeAssistantComponents.Fan => FanStateReducer.Apply(context, key),
            HomeAssistantComponents.Lock => LockStateReducer.Apply(context),
            HomeAssistantComponents.AlarmControlPanel => AlarmControlPanelStateReducer.Apply(context),
            HomeAssistantComponents.Valve => ValveStateReducer.Apply(context),
            HomeAssistantComponents.Humidifier => HumidifierStateReducer.Apply(context, key),
            HomeAssistantComponents.WaterHeater => WaterHeaterStateReducer.Apply(context, key),
            HomeAssistantComponents.Siren => SirenStateReducer.Apply(context),
            HomeAssistantComponents.Update => UpdateStateReducer.Apply(context, key),
            HomeAssistantComponents.Vacuum => VacuumStateReducer.Apply(context),
            HomeAssistantComponents.LawnMower => LawnMowerStateReducer.Apply(context),
            HomeAssistantComponents.DeviceTracker => DeviceTrackerStateReducer.Apply(context),
            HomeAssistantComponents.Camera or HomeAssistantComponents.Image => ImageStateReducer.Apply(context, key),
            _ => ValueStateReducer.Apply(context),
        };
    }

    private static EntityState? ApplyAttributes(StateContext context)
    {
        var value = context.Render("json_attributes_template");
        if (value is null)
        {
            return null;
        }

        if (TemplateValues.TryParseObjectMembers(value) is not { } attributes)
        {
            return context.Invalid(value, "attributes must be a JSON object");
        }

        if (SameMembers(attributes, context.Current.Attributes))
        {
            // Zigbee2MQTT repeats the whole device state on every change: attributes that read the same are no change.
            return context.Current;
        }

        var next = context.Current with { Attributes = attributes };
        return context.Definition.Component == HomeAssistantComponents.DeviceTracker ? DeviceTrackerStateReducer.WithLocation(next) : next;
    }

    private static bool SameMembers(IReadOnlyDictionary<string, JsonElement> next, IReadOnlyDictionary<string, JsonElement> current)
    {
        if (ReferenceEquals(next, current))
        {
            return true;
        }

        if (next.Count != current.Count)
        {
            return false;
        }

        foreach (var (key, value) in next)
        {
            if (!current.TryGetValue(key, out var other) || !JsonElement.DeepEquals(value, other))
            {
                return false;
            }
        }

        return true;
    }
}
