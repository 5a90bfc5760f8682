using System.Globalization;
using Spectre.Console;
using Switchboard.HomeAssistant;

namespace Switchboard.Cli.Commands;

/// <summary>
/// <c>switchboard set &lt;entity&gt; &lt;command…&gt; [--timeout s] [--url …]</c>: drives a discovered entity the way
/// Home Assistant would (<c>set light.kitchen on brightness 128</c>, <c>set cover.garage position 40</c>,
/// <c>set climate.living temperature 21.5</c> …), waits until its state reflects the command and prints it. Exit 1
/// when the state did not follow in time, 2 for an unknown entity or command (the error lists the valid ones).
/// </summary>
internal static class SetCommand
{
    private delegate Task Send(CancellationToken cancellationToken);

    public static async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var url = ClientFactory.ResolveUrl(args) ?? throw new UsageException("set needs a broker: pass --url mqtt://host:1883 or set MQTT_URL.");
        var timeout = args.Seconds("timeout", 15);
        var prefix = args.Get("prefix") ?? HomeAssistantOptions.DefaultDiscoveryPrefix;
        var verbose = args.Flag("verbose");
        args.ThrowIfUnknown();
        if (args.Positionals.Count < 2)
        {
            throw new UsageException("usage: switchboard set <entity> <command…>, e.g. 'set light.kitchen on brightness 128'.");
        }

        var target = args.Positionals[0];
        var words = args.Positionals.Skip(1).Select((w, i) => i == 0 ? w.ToLowerInvariant() : w).ToList();

        using var logging = ClientFactory.StderrLogging(verbose);
        await using var home = await HomeConnection.OpenAsync(url, "switchboard-set", prefix, logging, cancellationToken);
        var registry = home.Registry;
        await HomeView.SettleAsync(registry, HomeView.MaxSettle, cancellationToken);

        var entities = HomeView.ByEntityId(registry);
        if (!entities.TryGetValue(target, out var entity) && !registry.TryGetEntity(target, out entity))
        {
            var known = entities.Count == 0 ? "none discovered" : string.Join(", ", entities.Keys);
            throw new UsageException($"unknown entity '{target}'; known: {known}.");
        }

        var entityId = entities.FirstOrDefault(p => ReferenceEquals(p.Value, entity)).Key ?? target;
        var (send, done) = Plan(entity, entityId, words);
        try
        {
            await send(cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new UsageException($"{entityId}: {ex.Message}");
        }

        if (done is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[bold]{entityId}[/]: sent {string.Join(' ', words)}");
            return ExitCodes.Ok;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeout));
        try
        {
            await entity.WaitForStateAsync(done, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"error: {entityId} did not report the new state within {timeout} s (state: {HomeView.StateText(entity)}{(entity.HasAvailability && !entity.IsAvailable ? ", unavailable" : string.Empty)})."));
            return ExitCodes.Failed;
        }

        AnsiConsole.MarkupLineInterpolated($"[bold]{entityId}[/]: {HomeView.StateText(entity)}");
        return ExitCodes.Ok;
    }

    private static (Send Send, Func<EntityState, bool>? Done) Plan(HomeAssistantEntity entity, string entityId, List<string> words)
    {
        string[] valid = entity.Component switch
        {
            HomeAssistantComponents.Light => ["on [brightness <0-255>] [color_temp <kelvin>]", "off", "toggle", "brightness <0-255>", "color_temp <kelvin>"],
            HomeAssistantComponents.Switch => ["on", "off", "toggle"],
            HomeAssistantComponents.Cover => ["open", "close", "stop", "position <0-100>"],
            HomeAssistantComponents.Climate => ["temperature <°C>", "mode <mode>", "on", "off"],
            HomeAssistantComponents.Fan => ["on", "off", "percentage <0-100>", "preset <mode>", "oscillate <on|off>"],
            HomeAssistantComponents.Lock => ["lock", "unlock", "open"],
            HomeAssistantComponents.Button => ["press"],
            HomeAssistantComponents.Number => ["value <number>"],
            HomeAssistantComponents.Select => ["option <name>"],
            _ => [],
        };
        UsageException Unknown() => valid.Length == 0
            ? new UsageException($"{entityId} is a {entity.Component}, which takes no commands.")
            : new UsageException($"unknown command '{string.Join(' ', words)}' for {entityId}; valid: {string.Join(", ", valid)}.");
        double Number(int index, double min = double.MinValue, double max = double.MaxValue)
        {
            if (index >= words.Count || !double.TryParse(words[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw Unknown();
            }

            return value;
        }

        string Word(int index) => index < words.Count ? words[index] : throw Unknown();
        void Exactly(int count)
        {
            if (words.Count != count)
            {
                throw Unknown();
            }
        }

        switch (entity.Component, words[0])
        {
            case (HomeAssistantComponents.Light, _):
                return PlanLight(entity, words, Number, Unknown);
            case (HomeAssistantComponents.Switch, "on" or "off" or "toggle"):
                {
                    Exactly(1);
                    var on = words[0] == "toggle" ? entity.State.IsOn != true : words[0] == "on";
                    var control = entity.AsSwitch();
                    return (ct => on ? control.TurnOnAsync(ct) : control.TurnOffAsync(ct), s => s.IsOn == on);
                }

            case (HomeAssistantComponents.Cover, "open"):
                Exactly(1);
                return (ct => entity.AsCover().OpenAsync(ct), s => s.Value == "open" && s.Position is null or 100);
            case (HomeAssistantComponents.Cover, "close"):
                Exactly(1);
                return (ct => entity.AsCover().CloseAsync(ct), s => s.Value == "closed");
            case (HomeAssistantComponents.Cover, "stop"):
                Exactly(1);
                return (ct => entity.AsCover().StopAsync(ct), s => s.Value is not ("opening" or "closing"));
            case (HomeAssistantComponents.Cover, "position"):
                {
                    Exactly(2);
                    var position = (int)Number(1, 0, 100);
                    return (ct => entity.AsCover().SetPositionAsync(position, ct), s => s.Position is { } p && Math.Abs(p - position) <= 1);
                }

            case (HomeAssistantComponents.Climate, "temperature"):
                {
                    Exactly(2);
                    var temperature = Number(1);
                    return (ct => entity.AsClimate().SetTemperatureAsync(temperature, cancellationToken: ct), s => s.TargetTemperature is { } t && Math.Abs(t - temperature) <= 0.26);
                }

            case (HomeAssistantComponents.Climate, "mode"):
                {
                    Exactly(2);
                    var mode = Word(1);
                    return (ct => entity.AsClimate().SetHvacModeAsync(mode, ct), s => s.HvacMode == mode);
                }

            case (HomeAssistantComponents.Climate, "on"):
                Exactly(1);
                return (ct => entity.AsClimate().TurnOnAsync(ct), s => s.HvacMode is not null and not "off");
            case (HomeAssistantComponents.Climate, "off"):
                Exactly(1);
                return (ct => entity.AsClimate().TurnOffAsync(ct), s => s.HvacMode == "off");
            case (HomeAssistantComponents.Fan, "on"):
                Exactly(1);
                return (ct => entity.AsFan().TurnOnAsync(cancellationToken: ct), s => s.IsOn == true);
            case (HomeAssistantComponents.Fan, "off"):
                Exactly(1);
                return (ct => entity.AsFan().TurnOffAsync(ct), s => s.IsOn == false);
            case (HomeAssistantComponents.Fan, "percentage"):
                {
                    Exactly(2);
                    var percentage = (int)Number(1, 0, 100);
                    return (ct => entity.AsFan().SetPercentageAsync(percentage, ct), s => percentage == 0 ? s.IsOn == false : s.Percentage is { } p && Math.Abs(p - percentage) <= 1);
                }

            case (HomeAssistantComponents.Fan, "preset"):
                {
                    Exactly(2);
                    var preset = Word(1);
                    return (ct => entity.AsFan().SetPresetModeAsync(preset, ct), s => s.PresetMode == preset);
                }

            case (HomeAssistantComponents.Fan, "oscillate") when words.Count == 2 && words[1] is "on" or "off":
                {
                    var oscillate = words[1] == "on";
                    return (ct => entity.AsFan().OscillateAsync(oscillate, ct), s => s.Oscillating == oscillate);
                }

            case (HomeAssistantComponents.Lock, "lock"):
                Exactly(1);
                return (ct => entity.AsLock().LockAsync(cancellationToken: ct), s => s.Value == "locked");
            case (HomeAssistantComponents.Lock, "unlock"):
                Exactly(1);
                return (ct => entity.AsLock().UnlockAsync(cancellationToken: ct), s => s.Value is "unlocked" or "open");
            case (HomeAssistantComponents.Lock, "open"):
                Exactly(1);
                return (ct => entity.AsLock().OpenAsync(cancellationToken: ct), s => s.Value is "open" or "unlocked");
            case (HomeAssistantComponents.Button, "press"):
                Exactly(1);
                return (ct => entity.AsButton().PressAsync(ct), null);
            case (HomeAssistantComponents.Number, "value" or "set"):
                {
                    Exactly(2);
                    var value = Number(1);
                    return (ct => entity.AsNumber().SetValueAsync(value, ct), s => s.NumericValue is { } v && Math.Abs(v - value) < 1e-6);
                }

            case (HomeAssistantComponents.Select, "option"):
                {
                    Exactly(2);
                    var option = words[1];
                    return (ct => entity.AsSelect().SelectOptionAsync(option, ct), s => s.Option == option);
                }

            default:
                throw Unknown();
        }
    }

    private static (Send Send, Func<EntityState, bool>? Done) PlanLight(HomeAssistantEntity entity, List<string> words, Func<int, double, double, double> number, Func<UsageException> unknown)
    {
        bool? on = null;
        int? brightness = null;
        int? kelvin = null;
        for (var i = 0; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "on" when i == 0:
                    on = true;
                    break;
                case "off" when i == 0 && words.Count == 1:
                    on = false;
                    break;
                case "toggle" when i == 0 && words.Count == 1:
                    on = entity.State.IsOn != true;
                    break;
                case "brightness":
                    brightness = (int)number(++i, 0, 255);
                    break;
                case "color_temp" or "kelvin":
                    kelvin = (int)number(++i, 1000, 10000);
                    break;
                default:
                    throw unknown();
            }
        }

        var light = entity.AsLight();
        if (on == false || brightness == 0)
        {
            return (ct => light.TurnOffAsync(cancellationToken: ct), s => s.IsOn == false);
        }

        var command = new LightCommand { Brightness = brightness, ColorTempKelvin = kelvin };
        return (ct => light.TurnOnAsync(command, ct), s => s.IsOn == true
            && (brightness is not { } b || (s.Brightness is { } sb && Math.Abs(sb - b) <= 1))
            && (kelvin is not { } k || (s.ColorTempKelvin is { } sk && Math.Abs(sk - k) <= Math.Max(2, k / 100))));
    }
}
