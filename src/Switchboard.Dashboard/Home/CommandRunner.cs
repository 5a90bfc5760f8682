using System.Globalization;
using Switchboard.HomeAssistant;

namespace Switchboard.Dashboard.Home;

/// <summary>
/// Turns a page's control into the registry's typed command, so the device receives exactly what Home Assistant would
/// send. A bad request is refused with a sentence naming what was wrong; a command the broker has not taken within the
/// timeout is reported as such — the page shows either on the card. A control is refused outright while the client is
/// not connected: it would wait in the queue and reach the device whenever the connection came back, long after the
/// person who clicked was told it failed (an unlock nobody expects any more).
/// </summary>
internal sealed class CommandRunner(HomeMonitor home, SwitchboardClient client, TimeSpan timeout, TimeProvider time)
{
    /// <summary>A request the page got wrong (HTTP 400) rather than a command that failed (HTTP 502).</summary>
    public sealed class BadRequestException(string message) : Exception(message);

    public async Task RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Id) || string.IsNullOrEmpty(request.Action))
        {
            throw new BadRequestException("A control needs an entity id and an action.");
        }

        var entity = home.Find(request.Id) ?? throw new BadRequestException($"No entity '{request.Id}' (removed, or never discovered).");
        var spec = ControlCatalog.For(entity);
        if (!spec.Actions.Contains(request.Action, StringComparer.Ordinal))
        {
            throw new BadRequestException(spec.Actions.Count == 0
                ? $"{entity.DisplayName} ({entity.Component}) takes no commands."
                : $"{entity.DisplayName} ({entity.Component}) has no '{request.Action}' control; it has: {string.Join(", ", spec.Actions)}.");
        }

        if (client.State != ConnectionState.Connected)
        {
            throw new InvalidOperationException($"Not sent: the dashboard is not connected to the broker ({client.State}). Try again when it is.");
        }

        using var timer = new CancellationTokenSource(timeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await Send(entity, request, spec, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Accepted by the client, not yet confirmed: it is not withdrawn, so say what will happen to it.
            throw new TimeoutException($"The broker has not confirmed the command for {entity.DisplayName} within {timeout.TotalSeconds:0.#} s; the client will still deliver it if the connection recovers.");
        }
    }

    private static Task Send(HomeAssistantEntity entity, CommandRequest request, ControlSpec spec, CancellationToken ct)
    {
        var on = entity.State.IsOn == true;
        return (entity.Component, request.Action) switch
        {
            (HomeAssistantComponents.Light, "toggle") => on ? entity.AsLight().TurnOffAsync(cancellationToken: ct) : entity.AsLight().TurnOnAsync(cancellationToken: ct),
            (HomeAssistantComponents.Light, "brightness") => entity.AsLight().TurnOnAsync(new LightCommand { Brightness = Whole(request, 1, 255) }, ct),
            (HomeAssistantComponents.Light, "color_temp") => entity.AsLight().TurnOnAsync(new LightCommand { ColorTempKelvin = Whole(request, spec.KelvinMin ?? 1000, spec.KelvinMax ?? 10000) }, ct),
            (HomeAssistantComponents.Switch, "toggle") => on ? entity.AsSwitch().TurnOffAsync(ct) : entity.AsSwitch().TurnOnAsync(ct),
            (HomeAssistantComponents.Fan, "toggle") => on ? entity.AsFan().TurnOffAsync(ct) : entity.AsFan().TurnOnAsync(cancellationToken: ct),
            (HomeAssistantComponents.Fan, "percentage") => entity.AsFan().SetPercentageAsync(Whole(request, 0, 100), ct),
            (HomeAssistantComponents.Fan, "preset") => entity.AsFan().SetPresetModeAsync(Choice(request, spec.Presets), ct),
            (HomeAssistantComponents.Cover, "open") => entity.AsCover().OpenAsync(ct),
            (HomeAssistantComponents.Cover, "close") => entity.AsCover().CloseAsync(ct),
            (HomeAssistantComponents.Cover, "stop") => entity.AsCover().StopAsync(ct),
            (HomeAssistantComponents.Cover, "position") => entity.AsCover().SetPositionAsync(Whole(request, 0, 100), ct),
            (HomeAssistantComponents.Climate, "hvac_mode") => entity.AsClimate().SetHvacModeAsync(Choice(request, spec.Options), ct),
            (HomeAssistantComponents.Climate, "temperature") => entity.AsClimate().SetTemperatureAsync(Value(request, spec.Min!.Value, spec.Max!.Value), cancellationToken: ct),
            (HomeAssistantComponents.Climate, "preset") => entity.AsClimate().SetPresetModeAsync(Choice(request, spec.Presets), ct),
            (HomeAssistantComponents.Lock, "lock") => entity.AsLock().LockAsync(cancellationToken: ct),
            (HomeAssistantComponents.Lock, "unlock") => entity.AsLock().UnlockAsync(cancellationToken: ct),
            (HomeAssistantComponents.Button, "press") => entity.AsButton().PressAsync(ct),
            (HomeAssistantComponents.Select, "select") => entity.AsSelect().SelectOptionAsync(Choice(request, spec.Options), ct),
            (HomeAssistantComponents.Number, "set_value") => entity.AsNumber().SetValueAsync(Value(request, spec.Min!.Value, spec.Max!.Value), ct),
            _ => throw new BadRequestException($"'{request.Action}' is not a {entity.Component} control."),
        };
    }

    private static double Value(CommandRequest request, double min, double max)
    {
        if (request.Number is not { } value || !double.IsFinite(value))
        {
            throw new BadRequestException($"'{request.Action}' needs a number.");
        }

        if (value < min || value > max)
        {
            throw new BadRequestException(string.Create(CultureInfo.InvariantCulture, $"'{request.Action}' {value} is outside {min}–{max}."));
        }

        return value;
    }

    private static int Whole(CommandRequest request, int min, int max) => (int)Math.Round(Value(request, min, max));

    private static string Choice(CommandRequest request, IReadOnlyList<string>? choices)
    {
        if (string.IsNullOrEmpty(request.Text))
        {
            throw new BadRequestException($"'{request.Action}' needs a choice.");
        }

        if (choices is not null && !choices.Contains(request.Text, StringComparer.Ordinal))
        {
            throw new BadRequestException($"'{request.Text}' is not one of {string.Join(", ", choices)}.");
        }

        return request.Text;
    }
}
