namespace Switchboard.HomeAssistant;

/// <summary>An RGB color, each channel 0–255.</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
public readonly record struct RgbColor(int R, int G, int B);

/// <summary>A hue (0–360°) and saturation (0–100 %) color.</summary>
/// <param name="Hue">Hue in degrees.</param>
/// <param name="Saturation">Saturation in percent.</param>
public readonly record struct HsColor(double Hue, double Saturation);

/// <summary>A CIE 1931 xy color.</summary>
/// <param name="X">x.</param>
/// <param name="Y">y.</param>
public readonly record struct XyColor(double X, double Y);
