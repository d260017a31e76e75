using System.Numerics.Tensors;

namespace RnnSimd.Benchmarks;

/// <summary>
/// Refuses to time a contender whose results disagree with the naive reference: a fast wrong
/// answer would otherwise look like a win.
/// </summary>
public static class ElmanCheck
{
    public delegate void Forward(int steps, Span<float> output, Span<float> finalState);

    /// <summary>
    /// Far above float32 rounding for these sizes (typically ~1e-6), far below what a wrong index,
    /// a missing bias or a skipped step produce (~1e-1).
    /// </summary>
    public const float Tolerance = 1e-3f;

    /// <summary>
    /// Two steps exercise both projections and the recurrence; the whole sequence would cost the
    /// naive reference seconds per process on the large shapes.
    /// </summary>
    public const int Steps = 2;

    public static void AgreesWithNaive(ElmanData data, string contender, Forward forward)
    {
        ElmanShape s = data.Shape;
        int steps = Math.Min(s.T, Steps);
        var expected = new float[steps * s.B * s.H];
        var expectedFinal = new float[s.B * s.H];
        NaiveElman.Forward(data.Input, steps, s.B, s.X, s.H, data.WeightIh, data.WeightHh, data.BiasIh, data.BiasHh,
            expected, expectedFinal);

        var actual = new float[expected.Length];
        var actualFinal = new float[expectedFinal.Length];
        forward(steps, actual, actualFinal);

        float error = MathF.Max(MaxDifference(expected, actual), MaxDifference(expectedFinal, actualFinal));
        if (!(error <= Tolerance))
            throw new InvalidOperationException(
                $"{contender} on {s.Name} differs from the naive reference by {error} (tolerance {Tolerance}) over {steps} steps.");
    }

    private static float MaxDifference(float[] a, float[] b)
    {
        var difference = new float[a.Length];
        TensorPrimitives.Subtract(a, b, difference);
        // MaxMagnitude propagates NaN, so a NaN result fails the check above.
        return MathF.Abs(TensorPrimitives.MaxMagnitude(difference));
    }
}
