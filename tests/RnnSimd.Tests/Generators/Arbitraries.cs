using FsCheck;
using FsCheck.Fluent;

namespace RnnSimd.Tests.Generators;

/// <summary>
/// Generators that favour the sizes where kernels change behaviour (around 4, 8, 16, 32, 64 and
/// primes), and shrinkers that walk dimensions down towards 1 so counterexamples stay readable.
/// </summary>
public static class Arbitraries
{
    /// <summary>Sizes next to every vector width and panel width, and primes.</summary>
    public static readonly int[] Interesting = [1, 2, 3, 4, 5, 7, 8, 9, 13, 15, 16, 17, 23, 31, 32, 33, 37, 47, 48, 49, 61, 63, 64, 65, 67, 70];

    /// <summary>A dimension in 1..<paramref name="max"/>, half the time one of <see cref="Interesting"/>.</summary>
    public static Gen<int> Dimension(int max) =>
        Gen.OneOf(Gen.Choose(1, max), Gen.Elements(Interesting.Where(d => d <= max).ToArray()));

    /// <summary>Smaller candidates for a dimension: 1, half, one less.</summary>
    public static IEnumerable<int> ShrinkDimension(int d)
    {
        if (d > 1) yield return 1;
        if (d > 3) yield return d / 2;
        if (d > 2) yield return d - 1;
    }

    /// <param name="scales">Weight scales relative to PyTorch's 1/√H initialisation (3 saturates tanh).</param>
    public static Arbitrary<ElmanCase> ElmanCases(int maxSteps = 8, int maxBatch = 9, float[]? scales = null) =>
        Arb.From(
            from t in Gen.Choose(1, maxSteps)
            from b in Dimension(maxBatch)
            from x in Dimension(70)
            from h in Dimension(70)
            from y in Dimension(20)
            from bias in Gen.Elements(true, false)
            from act in Gen.Elements(Nonlinearity.Tanh, Nonlinearity.Relu)
            from h0 in Gen.Elements(true, false)
            from scale in Gen.Elements(scales ?? [0.5f, 1f, 3f])
            from seed in Gen.Choose(0, int.MaxValue)
            select new ElmanCase(t, b, x, h, y, bias, act, h0, scale, seed),
            ShrinkCase);

    private static IEnumerable<ElmanCase> ShrinkCase(ElmanCase c)
    {
        foreach (int v in ShrinkDimension(c.T)) yield return c with { T = v };
        foreach (int v in ShrinkDimension(c.B)) yield return c with { B = v };
        foreach (int v in ShrinkDimension(c.X)) yield return c with { X = v };
        foreach (int v in ShrinkDimension(c.H)) yield return c with { H = v };
        foreach (int v in ShrinkDimension(c.Y)) yield return c with { Y = v };
        if (c.InitialState) yield return c with { InitialState = false };
        if (c.Bias) yield return c with { Bias = false };
        if (c.Scale != 1f) yield return c with { Scale = 1f };
    }

    /// <summary>A GEMM problem: M×K times K×N, with or without bias and addend.</summary>
    /// <param name="longK">K in 3,000..9,000: long reductions, such as a wide input or hidden layer gives.</param>
    public static Arbitrary<GemmCase> GemmCases(bool longK = false) =>
        Arb.From(
            from m in Dimension(70)
            from k in longK ? Gen.Choose(3000, 9000) : Dimension(70)
            from n in Dimension(70)
            from bias in Gen.Elements(true, false)
            from addend in Gen.Elements(true, false)
            from inPlace in Gen.Elements(true, false)
            from seed in Gen.Choose(0, int.MaxValue)
            select new GemmCase(m, k, n, bias, addend, addend && inPlace, seed),
            c => ShrinkDimension(c.M).Select(v => c with { M = v })
                .Concat(longK ? [] : ShrinkDimension(c.K).Select(v => c with { K = v }))
                .Concat(ShrinkDimension(c.N).Select(v => c with { N = v })));
}

/// <summary>C = A·B (+ addend) (+ bias); <see cref="InPlace"/>: the addend is C itself.</summary>
public sealed record GemmCase(int M, int K, int N, bool Bias, bool Addend, bool InPlace, int Seed)
{
    public override string ToString() => $"M={M} K={K} N={N} bias={Bias} addend={Addend} inPlace={InPlace} seed={Seed}";
}
