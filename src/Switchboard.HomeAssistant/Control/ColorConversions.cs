namespace Switchboard.HomeAssistant.Control;

/// <summary>Home Assistant's <c>color_hsv_to_RGB</c> and <c>color_RGB_to_hs</c> (Python <c>colorsys</c> underneath).</summary>
internal static class ColorConversions
{
    public static RgbColor HsvToRgb(double hue, double saturation, double value)
    {
        var (r, g, b) = HsvToRgbUnit(hue / 360, saturation / 100, value / 100);
        return new RgbColor((int)(r * 255), (int)(g * 255), (int)(b * 255));
    }

    public static HsColor RgbToHs(RgbColor rgb)
    {
        double r = rgb.R / 255.0, g = rgb.G / 255.0, b = rgb.B / 255.0;
        var max = Math.Max(r, Math.Max(g, b));
        var min = Math.Min(r, Math.Min(g, b));
        double h = 0, s = 0;
        if (max != min)
        {
            s = (max - min) / max;
            var rc = (max - r) / (max - min);
            var gc = (max - g) / (max - min);
            var bc = (max - b) / (max - min);
            h = r == max ? bc - gc : g == max ? 2.0 + rc - bc : 4.0 + gc - rc;
            h = (h / 6.0) % 1.0;
            if (h < 0)
            {
                h += 1.0;
            }
        }

        return new HsColor(Math.Round(h * 360, 3, MidpointRounding.ToEven), Math.Round(s * 100, 3, MidpointRounding.ToEven));
    }

    private static (double R, double G, double B) HsvToRgbUnit(double h, double s, double v)
    {
        if (s == 0)
        {
            return (v, v, v);
        }

        var i = (int)(h * 6.0);
        var f = (h * 6.0) - i;
        var p = v * (1.0 - s);
        var q = v * (1.0 - (s * f));
        var t = v * (1.0 - (s * (1.0 - f)));
        return (i % 6) switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }
}
