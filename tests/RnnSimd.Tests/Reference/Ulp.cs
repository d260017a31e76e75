namespace RnnSimd.Tests.Reference;

/// <summary>Units in the last place of float32, measured in double.</summary>
public static class Ulp
{
    /// <summary>2⁻²⁴: the unit roundoff of float32.</summary>
    public const double UnitRoundoff = 1.0 / (1 << 24);

    /// <summary>The spacing of float32 values at the magnitude of <paramref name="value"/> (2⁻¹⁴⁹ in the subnormal range).</summary>
    public static double Of(double value)
    {
        double a = Math.Abs(value);
        if (a < Math.Pow(2, -126))
            return Math.Pow(2, -149);
        if (double.IsInfinity(a) || double.IsNaN(a))
            return double.PositiveInfinity;
        return Math.Pow(2, Math.Floor(Math.Log2(a)) - 23);
    }

    /// <summary>How many floats lie between two finite floats of any sign (0 when equal).</summary>
    public static long Distance(float a, float b)
    {
        static long Ordered(float f)
        {
            int bits = BitConverter.SingleToInt32Bits(f);
            return bits < 0 ? int.MinValue - (long)bits : bits;
        }
        return Math.Abs(Ordered(a) - Ordered(b));
    }
}
