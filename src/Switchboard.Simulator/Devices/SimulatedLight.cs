using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.HomeAssistant;

namespace Switchboard.Simulator;

/// <summary>
/// A light. With <see cref="DeviceDefinition.Brightness"/> or <see cref="DeviceDefinition.ColorTemp"/> it speaks the
/// json schema (<c>{"state":"ON","brightness":128,"color_mode":"color_temp","color_temp":2700}</c>, kelvin); otherwise
/// the default schema with plain <c>ON</c>/<c>OFF</c>.
/// </summary>
public sealed class SimulatedLight : SimulatedDevice
{
    /// <summary>Lowest color temperature (K).</summary>
    public const int MinKelvin = 2200;

    /// <summary>Highest color temperature (K).</summary>
    public const int MaxKelvin = 6500;

    internal SimulatedLight(DeviceDefinition definition, TimeProvider timeProvider, Random random)
        : base(definition, timeProvider, random)
    {
        IsOn = definition.On ?? false;
    }

    /// <summary>On or off.</summary>
    public bool IsOn { get; private set; }

    /// <summary>Brightness 1–255 (kept while off).</summary>
    public int Brightness { get; private set; } = 200;

    /// <summary>Color temperature in kelvin.</summary>
    public int ColorTempKelvin { get; private set; } = 3000;

    /// <summary>True for the json schema.</summary>
    public bool IsJsonSchema => SupportsBrightness || SupportsColorTemp;

    private bool SupportsBrightness => Definition.Brightness == true || Definition.ColorTemp == true;

    private bool SupportsColorTemp => Definition.ColorTemp == true;

    /// <inheritdoc/>
    protected override IEnumerable<EntityDescription> DescribeEntities(DeviceCommandHandler? handler)
    {
        JsonObject? config = null;
        if (IsJsonSchema)
        {
            config = new JsonObject
            {
                ["schema"] = "json",
                ["brightness"] = SupportsBrightness,
                ["supported_color_modes"] = SupportsColorTemp ? new JsonArray("color_temp") : new JsonArray("brightness"),
            };
            if (SupportsColorTemp)
            {
                config["color_temp_kelvin"] = true;
                config["min_kelvin"] = MinKelvin;
                config["max_kelvin"] = MaxKelvin;
            }
        }

        yield return new EntityDescription { Component = HomeAssistantComponents.Light, ObjectId = "light", Name = null, Config = config, OnCommand = handler };
    }

    /// <inheritdoc/>
    protected override bool ApplyCommand(string objectId, string topicKey, string payload)
    {
        if (topicKey != "command_topic")
        {
            return false;
        }

        if (!IsJsonSchema)
        {
            switch (payload)
            {
                case "ON":
                    IsOn = true;
                    return true;
                case "OFF":
                    IsOn = false;
                    return true;
                default:
                    return false;
            }
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var applied = false;
            if (root.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.String)
            {
                IsOn = state.GetString() switch
                {
                    "ON" => true,
                    "OFF" => false,
                    _ => IsOn,
                };
                applied = true;
            }

            if (SupportsBrightness && root.TryGetProperty("brightness", out var brightness) && brightness.ValueKind == JsonValueKind.Number)
            {
                Brightness = (int)Math.Clamp(Math.Round(brightness.GetDouble()), 1, 255);
                IsOn = true;
                applied = true;
            }

            if (SupportsColorTemp && root.TryGetProperty("color_temp", out var colorTemp) && colorTemp.ValueKind == JsonValueKind.Number)
            {
                ColorTempKelvin = (int)Math.Clamp(Math.Round(colorTemp.GetDouble()), MinKelvin, MaxKelvin);
                IsOn = true;
                applied = true;
            }

            return applied;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    protected override string? StateOf(string objectId)
    {
        if (!IsJsonSchema)
        {
            return IsOn ? "ON" : "OFF";
        }

        var state = new JsonObject { ["state"] = IsOn ? "ON" : "OFF", ["brightness"] = Brightness };
        if (SupportsColorTemp)
        {
            state["color_mode"] = "color_temp";
            state["color_temp"] = ColorTempKelvin;
        }
        else
        {
            state["color_mode"] = "brightness";
        }

        return state.ToJsonString();
    }

    /// <inheritdoc/>
    protected override string DescribeState() => !IsOn ? "off"
        : SupportsColorTemp ? $"on, brightness {Brightness}, {ColorTempKelvin} K"
        : SupportsBrightness ? $"on, brightness {Brightness}"
        : "on";
}
