using System.Text;

namespace RnnSimd.Tests.Support;

/// <summary>Comparisons that report every offending coordinate, not just "false".</summary>
public static class Expect
{
    /// <summary>
    /// |actual − expected| ≤ bound element-wise; NaN expected means NaN actual, an infinite expected
    /// value must be matched exactly.
    /// </summary>
    public static void Within(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, ReadOnlySpan<double> bound, string what, int rowLength)
    {
        var report = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double a = actual[i], e = expected[i];
            if (!double.IsNaN(e) && !double.IsInfinity(e) && !double.IsFinite(bound[i]))
                throw new Xunit.Sdk.XunitException(
                    $"{what}[row {i / rowLength}, col {i % rowLength}]: the oracle's bound is {bound[i]}: the check would accept anything.");
            bool ok = double.IsNaN(e) ? double.IsNaN(a)
                : double.IsInfinity(e) ? a == e
                : Math.Abs(a - e) <= bound[i];
            if (ok)
                continue;
            if (bad++ < 8)
                report.AppendLine($"  {what}[row {i / rowLength}, col {i % rowLength}]: got {a:R}, expected {e:R}, |diff| {Math.Abs(a - e):E3} > bound {bound[i]:E3}");
        }
        if (bad > 0)
            throw new Xunit.Sdk.XunitException($"{bad} of {expected.Length} elements of {what} outside the bound:\n{report}");
    }

    /// <summary>Whether every bound is tight enough to catch a real error (a wrong index or term moves a result by far more): below 5% of 1 + |value|.</summary>
    public static bool Informative(ReadOnlySpan<double> expected, ReadOnlySpan<double> bound)
    {
        for (int i = 0; i < expected.Length; i++)
            if (!double.IsNaN(expected[i]) && !(bound[i] <= 0.05 * (1 + Math.Abs(expected[i]))))
                return false;
        return true;
    }

    /// <summary>Bit-for-bit equality.</summary>
    public static void BitIdentical(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string what)
    {
        if (actual.Length != expected.Length)
            throw new Xunit.Sdk.XunitException($"{what}: lengths {actual.Length} and {expected.Length} differ.");
        for (int i = 0; i < actual.Length; i++)
            if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                throw new Xunit.Sdk.XunitException($"{what}[{i}]: {actual[i]:R} differs from {expected[i]:R} (bitwise).");
    }
}
