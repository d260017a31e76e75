using RnnSimd.Kernels;
using RnnSimd.Tests.Generators;
using RnnSimd.Tests.Reference;
using RnnSimd.Tests.Support;

namespace RnnSimd.Tests.Kernels;

/// <summary>The packed GEMM with fused epilogue against a double-precision triple loop, on every path.</summary>
public class GemmPropertyTests
{
    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Product_is_within_the_bound_of_the_oracle(SimdPath path) => CheckProduct(path, Arbitraries.GemmCases());

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Product_is_within_the_bound_of_the_oracle_for_long_reductions(SimdPath path) =>
        CheckProduct(path, Arbitraries.GemmCases(longK: true), runs: 20);

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Result_does_not_depend_on_the_row_count_for_long_reductions(SimdPath path) =>
        CheckRowIndependence(path, Arbitraries.GemmCases(longK: true), runs: 20);

    private static void CheckProduct(SimdPath path, FsCheck.Arbitrary<GemmCase> cases, int? runs = null) =>
        Properties.Check(cases, c =>
        {
            var rng = new Random(c.Seed);
            float[] a = ElmanData.Uniform(rng, c.M * c.K, 1f);
            float[] b = ElmanData.Uniform(rng, c.K * c.N, 1f);
            float[] bias = c.Bias ? ElmanData.Uniform(rng, c.N, 1f) : [];
            float[] addend = c.Addend ? ElmanData.Uniform(rng, c.M * c.N, 1f) : [];
            foreach (var activation in new[] { ActivationKind.Identity, ActivationKind.Tanh, ActivationKind.Relu, ActivationKind.Sigmoid })
            {
                var (want, bound) = Oracle(c, a, b, bias, addend, activation);
                float[] result = c.InPlace ? (float[])addend.Clone() : new float[c.M * c.N];
                using var packed = PackedMatrix.FromRowMajor(b, c.K, c.N, path);
                Gemm.Multiply(c.M, packed, a, c.K, bias, c.InPlace ? result : addend, c.N, result, c.N, activation);
                Expect.Within(result, want, bound, $"C ({activation})", c.N);
            }
        }, runs);

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Transposed_packing_reads_back_the_transpose(SimdPath path) =>
        Properties.Check(Arbitraries.GemmCases(), c =>
        {
            float[] w = ElmanData.Uniform(new Random(c.Seed), c.N * c.K, 1f);
            using var packed = PackedMatrix.FromTransposed(w, c.K, c.N, path);
            for (int k = 0; k < c.K; k++)
                for (int n = 0; n < c.N; n++)
                    Assert.Equal(w[n * c.K + k], packed[k, n]);
        });

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public void Result_does_not_depend_on_the_row_count(SimdPath path) => CheckRowIndependence(path, Arbitraries.GemmCases());

    private static void CheckRowIndependence(SimdPath path, FsCheck.Arbitrary<GemmCase> cases, int? runs = null) =>
        Properties.Check(cases, c =>
        {
            // Row i computed as part of M rows must equal row i computed alone: Forward (M = T·B)
            // and Step (M = B) rely on it to agree bit for bit.
            var rng = new Random(c.Seed);
            float[] a = ElmanData.Uniform(rng, c.M * c.K, 1f);
            float[] b = ElmanData.Uniform(rng, c.K * c.N, 1f);
            float[] bias = ElmanData.Uniform(rng, c.N, 1f);
            using var packed = PackedMatrix.FromRowMajor(b, c.K, c.N, path);
            var all = new float[c.M * c.N];
            Gemm.Multiply(c.M, packed, a, c.K, bias, default, 0, all, c.N, ActivationKind.Tanh);
            var one = new float[c.N];
            for (int i = 0; i < c.M; i++)
            {
                Gemm.Multiply(1, packed, a.AsSpan(i * c.K, c.K), c.K, bias, default, 0, one, c.N, ActivationKind.Tanh);
                Expect.BitIdentical(one, all.AsSpan(i * c.N, c.N), $"row {i}");
            }
        }, runs);

    [Theory]
    [ClassData(typeof(AvailablePaths))]
    public unsafe void Descending_visits_the_panels_last_to_first_and_reverses_k_for_one_row(SimdPath path) =>
        Properties.Check(Arbitraries.GemmCases(), c =>
        {
            // Recurrences alternate the direction every step (cache reuse). With several rows only
            // the order of independent tiles changes, so no bit may; a single row (a batch-1 step)
            // also takes its products from k = K−1 down to 0, so it must equal, bit for bit, the
            // ascending product of the same problem with k reversed. Both are checked on every case.
            var rng = new Random(c.Seed);
            float[] a = ElmanData.Uniform(rng, c.M * c.K, 1f);
            float[] b = ElmanData.Uniform(rng, c.K * c.N, 1f);
            float[] bias = ElmanData.Uniform(rng, c.N, 1f);
            float[] addend = ElmanData.Uniform(rng, c.M * c.N, 1f);
            using var packed = PackedMatrix.FromRowMajor(b, c.K, c.N, path);
            float[] aReversed = new float[c.K];
            float[] bReversed = new float[c.K * c.N];
            for (int k = 0; k < c.K; k++)
            {
                aReversed[k] = a[c.K - 1 - k];
                b.AsSpan((c.K - 1 - k) * c.N, c.N).CopyTo(bReversed.AsSpan(k * c.N, c.N));
            }
            using var packedReversed = PackedMatrix.FromRowMajor(bReversed, c.K, c.N, path);
            var ascending = new float[c.M * c.N];
            var descending = new float[c.M * c.N];
            var rowReversed = new float[c.N];
            var rowDescending = new float[c.N];
            fixed (float* pa = a, paReversed = aReversed, pBias = bias, pAdd = addend, pUp = ascending, pDown = descending,
                pRowReversed = rowReversed, pRowDown = rowDescending)
            {
                float* add = c.Addend ? pAdd : null;
                var all = new PanelRange(0, packed.PanelCount);
                Gemm.Run(path, ActivationKind.Tanh, c.M, packed, pa, c.K, pBias, add, c.N, pUp, c.N, all, descending: false);
                Gemm.Run(path, ActivationKind.Tanh, c.M, packed, pa, c.K, pBias, add, c.N, pDown, c.N, all, descending: true);
                Gemm.Run(path, ActivationKind.Tanh, 1, packedReversed, paReversed, c.K, pBias, add, c.N, pRowReversed, c.N, all, descending: false);
                Gemm.Run(path, ActivationKind.Tanh, 1, packed, pa, c.K, pBias, add, c.N, pRowDown, c.N, all, descending: true);
            }
            if (c.M > 1)
                Expect.BitIdentical(descending, ascending, "descending panel order");
            else
                Expect.BitIdentical(descending, rowReversed, "descending, one row");
            Expect.BitIdentical(rowDescending, rowReversed, "row 0 alone, descending");
        });

    private static (double[] Value, double[] Bound) Oracle(GemmCase c, float[] a, float[] b, float[] bias, float[] addend, ActivationKind activation)
    {
        var value = new double[c.M * c.N];
        var bound = new double[c.M * c.N];
        for (int i = 0; i < c.M; i++)
            for (int j = 0; j < c.N; j++)
            {
                double z = 0, terms = 0;
                for (int k = 0; k < c.K; k++)
                {
                    double t = (double)a[i * c.K + k] * b[k * c.N + j];
                    z += t;
                    terms += Math.Abs(t);
                }
                if (c.Addend) { z += addend[i * c.N + j]; terms += Math.Abs(addend[i * c.N + j]); }
                if (c.Bias) { z += bias[j]; terms += Math.Abs(bias[j]); }
                double r = activation switch
                {
                    ActivationKind.Tanh => Math.Tanh(z),
                    ActivationKind.Relu => Math.Max(z, 0),
                    ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-z)),
                    _ => z,
                };
                value[i * c.N + j] = r;
                bound[i * c.N + j] = 4.0 * c.K * Ulp.UnitRoundoff * terms + 4 * Ulp.Of(r);
            }
        return (value, bound);
    }
}
