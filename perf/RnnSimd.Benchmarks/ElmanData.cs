namespace RnnSimd.Benchmarks;

/// <summary>
/// Weights, input and output buffers for one shape, in PyTorch nn.RNN layout. Every contender
/// reads and writes these same arrays, so no one gains from a friendlier cache layout of its inputs.
/// </summary>
public sealed class ElmanData
{
    /// <summary>Fixed so that every process BenchmarkDotNet launches times the same numbers.</summary>
    public const int Seed = 20240611;

    public ElmanData(ElmanShape shape, int seed = Seed)
    {
        Shape = shape;
        var random = new Random(seed);
        // nn.RNN's own initialisation range, so that tanh sees realistic (unsaturated) arguments.
        float bound = 1f / MathF.Sqrt(shape.H);
        WeightIh = Uniform(random, shape.H * shape.X, bound);
        WeightHh = Uniform(random, shape.H * shape.H, bound);
        BiasIh = Uniform(random, shape.H, bound);
        BiasHh = Uniform(random, shape.H, bound);
        Input = Uniform(random, shape.T * shape.B * shape.X, 1f);
        Output = new float[shape.T * shape.B * shape.H];
        FinalState = new float[shape.B * shape.H];
    }

    public ElmanShape Shape { get; }

    /// <summary>(H, X), row-major.</summary>
    public float[] WeightIh { get; }

    /// <summary>(H, H), row-major.</summary>
    public float[] WeightHh { get; }

    public float[] BiasIh { get; }

    public float[] BiasHh { get; }

    /// <summary>(T, B, X), time-major.</summary>
    public float[] Input { get; }

    /// <summary>(T, B, H): h_1..h_T.</summary>
    public float[] Output { get; }

    /// <summary>(B, H): h_T.</summary>
    public float[] FinalState { get; }

    public ElmanLayer CreateLayer() =>
        ElmanLayer.Create(Shape.X, Shape.H, WeightIh, WeightHh, BiasIh, BiasHh);

    /// <summary>Uniform in (−bound, bound), drawn in order: the same seed gives every process the same values.</summary>
    internal static float[] Uniform(Random random, int length, float bound)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1) * bound;
        return values;
    }
}
