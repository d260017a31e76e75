using RnnSimd.Kernels;
using RnnSimd.Tests.Infrastructure;
using Xunit.Sdk;

namespace RnnSimd.Tests.TailSafety;

/// <summary>
/// The packed GEMM with every operand exactly sized and flush against a guard page: a partial last
/// panel must neither read bias/addend lanes past N nor write C past N, and the row remainder
/// tiles must not touch rows of A or C past M.
/// </summary>
public class GemmTailTests
{
    private static readonly int[] RowCounts = [1, 2, 5, 6, 7, 8, 9, 10, 13, 16, 17, 18, 32];

    public static TheoryData<SimdPath, int> PathsAndRows()
    {
        var data = new TheoryData<SimdPath, int>();
        foreach (var path in Isa.Available)
            foreach (int m in RowCounts)
                data.Add(path, m);
        return data;
    }

    private enum AddendMode { None, Separate, InPlace }

    [Theory, MemberData(nameof(PathsAndRows))]
    public void Multiply(SimdPath path, int m)
    {
        int lanes = Isa.Lanes(path);
        int panel = 2 * lanes;
        int[] depths = new[] { 1, 2, lanes, lanes + 1, 2 * lanes + 1 }.Distinct().ToArray();
        // Every N through two panels and one column; for M = 1 on through four panels and into a
        // fifth: a single row runs groups of four panels, then one tile of the 1–3 left, so N up to
        // 4 panels + 2 columns covers every group size and a remainder after a whole group.
        int maxN = m == 1 ? 4 * panel + 2 : 2 * panel + 1;
        int maxK = depths.Max();

        using var a = new GuardedBuffer(0, GuardSide.End, capacity: m * maxK);
        using var bias = new GuardedBuffer(0, GuardSide.End, capacity: maxN);
        using var addend = new GuardedBuffer(0, GuardSide.End, capacity: m * maxN);
        using var c = new GuardedBuffer(0, GuardSide.End, capacity: m * maxN);

        foreach (int k in depths)
        {
            float[] aValues = TailCheck.Values(m * k, seed: 1000 * k + m);
            for (int n = 1; n <= maxN; n++)
            {
                float[] bValues = TailCheck.Values(k * n, seed: 7 * n + k);
                float[] biasValues = TailCheck.Values(n, seed: 13 * n + 1);
                float[] addendValues = TailCheck.Values(m * n, seed: 17 * n + m);
                var (products, magnitudes) = Products(m, k, n, aValues, bValues);
                using var packed = PackedMatrix.FromRowMajor(bValues, k, n, path);

                foreach (var side in TailCheck.Sides)
                foreach (bool withBias in new[] { false, true })
                foreach (var mode in new[] { AddendMode.None, AddendMode.Separate, AddendMode.InPlace })
                foreach (var activation in new[] { ActivationKind.Identity, ActivationKind.Tanh })
                foreach (bool descending in new[] { false, true })
                {
                    // Descending: panels last to first, and for M = 1 k from K−1 down (a recurrence's odd steps).
                    string context = $"{path} M={m} K={k} N={n} {side}-guarded bias={withBias} addend={mode} {activation} descending={descending}";
                    Span<float> aSpan = TailCheck.PlaceWith(a, aValues, side);
                    ReadOnlySpan<float> biasSpan = withBias ? TailCheck.PlaceWith(bias, biasValues, side) : default;
                    ReadOnlySpan<float> addendSpan;
                    if (mode == AddendMode.InPlace)
                    {
                        addendSpan = TailCheck.PlaceWith(c, addendValues, side);
                    }
                    else
                    {
                        // C starts as sentinel NaNs so an unwritten element cannot pass.
                        c.Place(m * n, side);
                        addendSpan = mode == AddendMode.Separate ? TailCheck.PlaceWith(addend, addendValues, side) : default;
                    }

                    Gemm.Multiply(m, packed, aSpan, k, biasSpan, addendSpan, n, c.Span, n, activation, descending);

                    Verify(m, n, products, magnitudes, withBias ? biasValues : null,
                        mode == AddendMode.None ? null : addendValues, activation, c.Span, context);
                    TailCheck.AssertSlackIntact(context, a, c);
                    if (withBias) TailCheck.AssertSlackIntact(context + " (bias)", bias);
                    if (mode == AddendMode.Separate) TailCheck.AssertSlackIntact(context + " (addend)", addend);
                }
            }
        }
    }

    /// <summary>Σ a·b in double for each element, and Σ|a·b| to scale the tolerance.</summary>
    private static (double[] Products, double[] Magnitudes) Products(int m, int k, int n, float[] a, float[] b)
    {
        var products = new double[m * n];
        var magnitudes = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = (double)a[i * k + p] * b[p * n + j];
                    sum += term;
                    magnitude += Math.Abs(term);
                }
                products[i * n + j] = sum;
                magnitudes[i * n + j] = magnitude;
            }
        }
        return (products, magnitudes);
    }

    private static void Verify(int m, int n, double[] products, double[] magnitudes, float[]? bias, float[]? addend,
        ActivationKind activation, ReadOnlySpan<float> c, string context)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int e = i * n + j;
                double sum = products[e], magnitude = magnitudes[e];
                if (addend != null) { sum += addend[e]; magnitude += Math.Abs(addend[e]); }
                if (bias != null) { sum += bias[j]; magnitude += Math.Abs(bias[j]); }
                double expected = activation == ActivationKind.Tanh ? Math.Tanh(sum) : sum;
                // tanh is 1-Lipschitz, so the pre-activation bound carries over.
                double tolerance = 1e-5 * (1 + magnitude);
                if (!(Math.Abs(c[e] - expected) <= tolerance))
                    throw new XunitException($"{context}: C[{i},{j}] = {c[e]:R}, expected {expected:R} (tolerance {tolerance:G3}).");
            }
        }
    }
}
