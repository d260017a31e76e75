namespace RnnSimd.Tests.Reference;

/// <summary>
/// A value computed in double together with a bound on how far the engine's float32 result for
/// the same quantity can be from it (running error analysis, docs/numerics.md). Every operation
/// propagates the operands' bounds exactly (mean value theorem for the activations, with their
/// largest slope over the interval the engine's input can lie in) and adds the rounding of the
/// float operation that produced the engine's value.
/// </summary>
public readonly record struct Bounded(double V, double E)
{
    private const double U = Ulp.UnitRoundoff;

    /// <summary>Activation kernels: within 3 ulp of the correctly rounded result (docs/numerics.md: tanh 1, sigmoid 2, plus the rounding), or flushed to 0 below the normal range.</summary>
    private static double ActivationError(double value) => 4 * Ulp.Of(value) + Math.Pow(2, -126);

    public static Bounded Exact(double v) => new(v, 0);

    /// <summary>One rounded float addition.</summary>
    public static Bounded operator +(Bounded a, Bounded b)
    {
        double v = a.V + b.V, e = a.E + b.E;
        return new(v, e + U * (Math.Abs(v) + e));
    }

    public static Bounded operator -(Bounded a, Bounded b) => a + new Bounded(-b.V, b.E);

    /// <summary>One rounded float multiplication.</summary>
    public static Bounded operator *(Bounded a, Bounded b)
    {
        double v = a.V * b.V;
        double e = Math.Abs(a.V) * b.E + Math.Abs(b.V) * a.E + a.E * b.E;
        return new(v, e + U * (Math.Abs(v) + e));
    }

    /// <summary>
    /// Σ w_k·x_k (+ bias terms) as the GEMM computes it in some order, fused or not: the inputs'
    /// bounds carried through |w|, plus 4·K·u·Σ|terms| for the roundings (twice the classic γ_K
    /// of a fused dot product, which also covers two roundings per term and the bias additions).
    /// </summary>
    public static Bounded Dot(ReadOnlySpan<double> weights, ReadOnlySpan<Bounded> x, ReadOnlySpan<double> biases)
    {
        double v = 0, carried = 0, terms = 0;
        for (int k = 0; k < weights.Length; k++)
        {
            v += weights[k] * x[k].V;
            carried += Math.Abs(weights[k]) * x[k].E;
            terms += Math.Abs(weights[k]) * (Math.Abs(x[k].V) + x[k].E);
        }
        foreach (double b in biases)
        {
            v += b;
            terms += Math.Abs(b);
        }
        int k2 = weights.Length + biases.Length;
        return new(v, carried + 4.0 * k2 * U * terms);
    }

    public static Bounded Tanh(Bounded a)
    {
        double v = Math.Tanh(a.V);
        double slope = 1 - Math.Pow(Math.Tanh(Math.Max(0, Math.Abs(a.V) - a.E)), 2);
        return new(v, slope * a.E + ActivationError(v));
    }

    public static Bounded Sigmoid(Bounded a)
    {
        double v = 1 / (1 + Math.Exp(-a.V));
        double nearest = Math.Max(0, Math.Abs(a.V) - a.E);
        double s = 1 / (1 + Math.Exp(-nearest));
        return new(v, s * (1 - s) * a.E + ActivationError(v));
    }

    public static Bounded Relu(Bounded a)
    {
        double v = Math.Max(a.V, 0);
        return new(v, a.V + a.E > 0 ? a.E : 0);
    }
}
