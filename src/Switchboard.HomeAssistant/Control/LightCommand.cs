namespace Switchboard.HomeAssistant;

/// <summary>How long a light flashes (<c>flash</c> of <c>light.turn_on</c>).</summary>
public enum LightFlash
{
    /// <summary><c>short</c>: <c>flash_time_short</c> seconds (json schema).</summary>
    Short,

    /// <summary><c>long</c>: <c>flash_time_long</c> seconds (json schema).</summary>
    Long,
}

/// <summary>
/// The arguments of <c>light.turn_on</c>. Leave a property null to leave that attribute alone. Values use Home
/// Assistant's scales (brightness 0–255, hue 0–360, saturation 0–100); the control converts to the device's
/// (<c>brightness_scale</c>, mireds or kelvin, <c>white_scale</c>). Colors are not converted between color modes: asking
/// a light for a mode it has no topic or support for throws <see cref="NotSupportedException"/>.
/// </summary>
public sealed record LightCommand
{
    /// <summary>Brightness, 0–255.</summary>
    public int? Brightness { get; init; }

    /// <summary>RGB color.</summary>
    public RgbColor? Rgb { get; init; }

    /// <summary>Hue/saturation color.</summary>
    public HsColor? Hs { get; init; }

    /// <summary>xy color.</summary>
    public XyColor? Xy { get; init; }

    /// <summary>Color temperature in kelvin (Home Assistant's <c>color_temp_kelvin</c>).</summary>
    public int? ColorTempKelvin { get; init; }

    /// <summary>Color temperature in mireds; converted to kelvin as Home Assistant does (<c>floor(1000000 / mireds)</c>).</summary>
    public int? ColorTempMireds { get; init; }

    /// <summary>An effect from the light's <c>effect_list</c>.</summary>
    public string? Effect { get; init; }

    /// <summary>White level, 0–255 (white color mode).</summary>
    public int? White { get; init; }

    /// <summary>Transition in seconds (json and template schemas).</summary>
    public double? Transition { get; init; }

    /// <summary>Flash (json and template schemas).</summary>
    public LightFlash? Flash { get; init; }

    internal int? Kelvin => ColorTempKelvin ?? (ColorTempMireds is { } mireds ? State.LightStateReducer.Invert(mireds) : null);

    internal void Validate()
    {
        if (Brightness is < 0 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(Brightness), Brightness, "Brightness is 0–255.");
        }

        if (White is < 0 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(White), White, "White is 0–255.");
        }

        if (Rgb is { } rgb && (rgb.R is < 0 or > 255 || rgb.G is < 0 or > 255 || rgb.B is < 0 or > 255))
        {
            throw new ArgumentOutOfRangeException(nameof(Rgb), rgb, "RGB channels are 0–255.");
        }

        if (Hs is { } hs && (hs.Hue is < 0 or > 360 || hs.Saturation is < 0 or > 100))
        {
            throw new ArgumentOutOfRangeException(nameof(Hs), hs, "Hue is 0–360 and saturation 0–100.");
        }

        if (Kelvin is <= 0 || ColorTempMireds is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ColorTempKelvin), Kelvin, "Color temperature must be positive.");
        }

        if (Transition is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Transition), Transition, "Transition must not be negative.");
        }

        var colors = (Rgb is null ? 0 : 1) + (Hs is null ? 0 : 1) + (Xy is null ? 0 : 1) + (Kelvin is null ? 0 : 1) + (White is null ? 0 : 1);
        if (colors > 1)
        {
            throw new ArgumentException("Give at most one of Rgb, Hs, Xy, a color temperature and White, as light.turn_on does.");
        }
    }
}
