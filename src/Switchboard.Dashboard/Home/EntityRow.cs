namespace Switchboard.Dashboard.Home;

/// <summary>One Home Assistant entity as the page gets it: where it belongs, its live state, and what it can be told to
/// do (<see cref="Controls"/>). <see cref="Removed"/> rows tell the page to drop the entity.</summary>
internal sealed record EntityRow(
    string Id,
    string Component,
    string Name,
    string DeviceId,
    string DeviceName,
    string Area,
    string? Manufacturer,
    string? Model,
    bool Available,
    bool Removed,
    DateTimeOffset? LastChanged,
    EntityStateRow State,
    ControlSpec Controls);

/// <summary>The state fields the page shows (null when the entity does not report them).</summary>
internal sealed record EntityStateRow(
    string? Value,
    bool? IsOn,
    int? Brightness,
    int? ColorTempKelvin,
    int? Position,
    string? HvacMode,
    string? HvacAction,
    double? TargetTemperature,
    double? CurrentTemperature,
    int? Percentage,
    string? PresetMode,
    string? Option,
    double? NumericValue,
    string? Unit);

/// <summary>
/// The controls an entity offers: <see cref="Actions"/> names the commands (<c>toggle</c>, <c>brightness</c>,
/// <c>color_temp</c>, <c>open</c>, <c>close</c>, <c>stop</c>, <c>position</c>, <c>hvac_mode</c>,
/// <c>temperature</c>, <c>percentage</c>, <c>preset</c>, <c>lock</c>, <c>unlock</c>, <c>press</c>, <c>select</c>,
/// <c>set_value</c>); the ranges and option lists bound them.
/// </summary>
internal sealed record ControlSpec(
    IReadOnlyList<string> Actions,
    double? Min = null,
    double? Max = null,
    double? Step = null,
    IReadOnlyList<string>? Options = null,
    IReadOnlyList<string>? Presets = null,
    int? KelvinMin = null,
    int? KelvinMax = null)
{
    public static ControlSpec None { get; } = new([]);
}
