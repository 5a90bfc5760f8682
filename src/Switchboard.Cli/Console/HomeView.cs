using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Switchboard.HomeAssistant;
using Switchboard.Simulator;

namespace Switchboard.Cli;

/// <summary>
/// The CLI's view of Home Assistant entities: Home Assistant style entity ids (<c>light.kitchen</c>), waiting for
/// discovery to settle, one-line state text, the table and the JSON form.
/// </summary>
internal static class HomeView
{
    /// <summary>How long a command waits for the registry to be ready before it goes on with what it has.</summary>
    public static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Waits until the registry is ready (<see cref="HomeAssistantRegistry.WaitUntilReadyAsync"/>: every retained
    /// discovery config applied, the entities' state and availability subscribed and their retained values in), bounded
    /// by <paramref name="max"/>: a broker that does not let this client publish to the registry's sync topic never
    /// says "ready", and the command then goes on with what it has, with a warning.
    /// </summary>
    public static async Task SettleAsync(HomeAssistantRegistry registry, TimeSpan max, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(max);
        try
        {
            await registry.WaitUntilReadyAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"warning: the registry was not ready within {max.TotalSeconds:0} s (can this client publish and subscribe under the registry's sync topic, switchboard/registry-sync/#?); showing what has been discovered so far");
        }
    }

    /// <summary>Entity id → entity, Home Assistant style, sorted; a clash gets <c>_2</c>, <c>_3</c> ….</summary>
    public static SortedDictionary<string, HomeAssistantEntity> ByEntityId(HomeAssistantRegistry registry)
    {
        var map = new SortedDictionary<string, HomeAssistantEntity>(StringComparer.Ordinal);
        foreach (var entity in registry.Entities.Where(e => !e.IsRemoved).OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            var id = EntityIds.Create(entity.Component, entity.Device?.Name, entity.Name, entity.ObjectId);
            var unique = id;
            for (var n = 2; map.ContainsKey(unique); n++)
            {
                unique = $"{id}_{n}";
            }

            map[unique] = entity;
        }

        return map;
    }

    /// <summary>The state in a few words: <c>on, brightness 128, 2700 K</c>, <c>21.5 °C</c>, <c>heat, target 21 °C, now 19.6 °C</c>.</summary>
    public static string StateText(HomeAssistantEntity entity)
    {
        var s = entity.State;
        if (entity.Component == HomeAssistantComponents.Button)
        {
            return "-";
        }

        if (s.Value is null && s.NumericValue is null && s.CurrentTemperature is null)
        {
            return "unknown";
        }

        var parts = new List<string>();
        switch (entity.Component)
        {
            case HomeAssistantComponents.Light:
                parts.Add(s.Value ?? "unknown");
                if (s.IsOn == true && s.Brightness is { } b)
                {
                    parts.Add($"brightness {b}");
                }

                if (s.IsOn == true && s.ColorTempKelvin is { } k)
                {
                    parts.Add($"{k} K");
                }

                break;
            case HomeAssistantComponents.Climate:
                parts.Add(s.HvacMode ?? s.Value ?? "unknown");
                if (s.TargetTemperature is { } target)
                {
                    parts.Add($"target {Number(target)} °C");
                }

                if (s.CurrentTemperature is { } current)
                {
                    parts.Add($"now {Number(current)} °C");
                }

                if (s.HvacAction is { } action)
                {
                    parts.Add(action);
                }

                break;
            case HomeAssistantComponents.Cover:
                parts.Add(s.Value ?? "unknown");
                if (s.Position is { } position)
                {
                    parts.Add($"{position} %");
                }

                break;
            case HomeAssistantComponents.Fan:
                parts.Add(s.Value ?? "unknown");
                if (s.IsOn == true && s.Percentage is { } percentage)
                {
                    parts.Add($"{percentage} %");
                }

                if (s.PresetMode is { } preset)
                {
                    parts.Add(preset);
                }

                if (s.Oscillating == true)
                {
                    parts.Add("oscillating");
                }

                break;
            default:
                parts.Add(s.Value + (entity.UnitOfMeasurement is { } unit ? " " + unit : string.Empty));
                break;
        }

        return string.Join(", ", parts);
    }

    /// <summary>Home Assistant's friendly name: the device name, followed by the entity's own name when it has one.</summary>
    public static string FriendlyName(HomeAssistantEntity entity) => (entity.Device?.Name, entity.Name) switch
    {
        ({ Length: > 0 } device, { Length: > 0 } name) when !name.StartsWith(device, StringComparison.OrdinalIgnoreCase) => $"{device} {name}",
        (_, { Length: > 0 } name) => name,
        ({ Length: > 0 } device, _) => device,
        _ => entity.ObjectId,
    };

    /// <summary>online / offline, or <c>-</c> when the entity has no availability.</summary>
    public static string AvailabilityText(HomeAssistantEntity entity) => !entity.HasAvailability ? "-" : entity.IsAvailable ? "online" : "offline";

    /// <summary>The entity table.</summary>
    public static Table Table(IEnumerable<KeyValuePair<string, HomeAssistantEntity>> entities, string? title = null)
    {
        var table = new Table().AddColumns(new TableColumn("entity id").NoWrap(), new TableColumn("component"), new TableColumn("name"), new TableColumn("state"), new TableColumn("availability"));
        if (title is not null)
        {
            table.Title(title);
        }

        foreach (var (id, entity) in entities)
        {
            var availability = AvailabilityText(entity);
            table.AddRow(
                Markup.Escape(id),
                Markup.Escape(entity.Component),
                Markup.Escape(FriendlyName(entity)),
                Markup.Escape(StateText(entity)),
                availability == "offline" ? "[red]offline[/]" : Markup.Escape(availability));
        }

        return table;
    }

    /// <summary>One entity as a JSON object (for <c>devices --json</c>).</summary>
    public static void WriteJson(Utf8JsonWriter writer, string entityId, HomeAssistantEntity entity)
    {
        var s = entity.State;
        writer.WriteStartObject();
        writer.WriteString("entity_id", entityId);
        writer.WriteString("id", entity.Id);
        writer.WriteString("component", entity.Component);
        writer.WriteString("name", FriendlyName(entity));
        writer.WriteString("device", entity.Device?.Name);
        writer.WriteString("state", s.Value);
        if (entity.HasAvailability)
        {
            writer.WriteBoolean("available", entity.IsAvailable);
        }
        else
        {
            writer.WriteNull("available");
        }

        writer.WriteStartObject("attributes");
        void Num(string name, double? value)
        {
            if (value is { } v)
            {
                writer.WriteNumber(name, v);
            }
        }

        void Text(string name, string? value)
        {
            if (value is not null)
            {
                writer.WriteString(name, value);
            }
        }

        Num("brightness", s.Brightness);
        Num("color_temp_kelvin", s.ColorTempKelvin);
        Text("color_mode", s.ColorMode);
        Text("hvac_mode", s.HvacMode);
        Text("hvac_action", s.HvacAction);
        Num("target_temperature", s.TargetTemperature);
        Num("current_temperature", s.CurrentTemperature);
        Num("position", s.Position);
        Num("percentage", s.Percentage);
        Text("preset_mode", s.PresetMode);
        if (s.Oscillating is { } oscillating)
        {
            writer.WriteBoolean("oscillating", oscillating);
        }

        Num("value", s.NumericValue);
        Text("unit", entity.UnitOfMeasurement);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The entities as one JSON array.</summary>
    public static string ToJsonArray(IEnumerable<KeyValuePair<string, HomeAssistantEntity>> entities)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var (id, entity) in entities)
            {
                WriteJson(writer, id, entity);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The entity as one JSON line.</summary>
    public static string ToJsonLine(string entityId, HomeAssistantEntity entity)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteJson(writer, entityId, entity);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The simulated devices as a table.</summary>
    public static Table DeviceTable(SimulatedHome home)
    {
        var table = new Table().Title($"{Markup.Escape(home.Definition.Name)}: {home.Devices.Count} simulated devices").AddColumns("device", "type", "entities", "state");
        foreach (var device in home.Devices)
        {
            table.AddRow(
                Markup.Escape(device.Name),
                Markup.Escape(device.Type),
                Markup.Escape(string.Join(" ", device.Entities.Select(e => e.EntityId))),
                Markup.Escape(device.Summary));
        }

        return table;
    }

    private static string Number(double value) => value.ToString("0.0##", CultureInfo.InvariantCulture);
}
