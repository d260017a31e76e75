using RnnSimd.Tests.Reference;

namespace RnnSimd.Tests.Generators;

/// <summary>
/// One randomly drawn Elman problem: shape, options and a seed for its values. Values come from
/// the seed, so a failing case shrinks by its dimensions alone and prints as one readable line.
/// </summary>
public sealed record ElmanCase(int T, int B, int X, int H, int Y, bool Bias, Nonlinearity Act, bool InitialState, float Scale, int Seed)
{
    public override string ToString()
        => $"T={T} B={B} X={X} H={H} Y={Y} bias={Bias} act={Act} h0={InitialState} scale={Scale} seed={Seed}";

    /// <summary>The float values of this case, generated from <see cref="Seed"/>.</summary>
    public ElmanData Data() => new(this);
}

/// <summary>Weights in PyTorch's layout (nn.RNN) and the reference network's, inputs and an initial state.</summary>
public sealed class ElmanData
{
    public ElmanData(ElmanCase c)
    {
        Case = c;
        var rng = new Random(c.Seed);
        // PyTorch's own initialisation scale, times the case's scale (large scales saturate tanh).
        float s = c.Scale / MathF.Sqrt(c.H);
        WeightIh = Uniform(rng, c.H * c.X, s);
        WeightHh = Uniform(rng, c.H * c.H, s);
        BiasIh = c.Bias ? Uniform(rng, c.H, s) : [];
        BiasHh = c.Bias ? Uniform(rng, c.H, s) : [];
        WeightHy = Uniform(rng, c.H * c.Y, s);
        BiasY = Uniform(rng, c.Y, s);
        X = Uniform(rng, c.T * c.B * c.X, 1f);
        InitialState = c.InitialState ? Uniform(rng, c.B * c.H, 1f) : [];
    }

    public ElmanCase Case { get; }

    /// <summary>(H, X) — also read as W_xh (X, H) for the reference network: any values do.</summary>
    public float[] WeightIh { get; }
    public float[] WeightHh { get; }
    public float[] BiasIh { get; }
    public float[] BiasHh { get; }

    /// <summary>(H, Y), row convention.</summary>
    public float[] WeightHy { get; }
    public float[] BiasY { get; }

    /// <summary>(T, B, X).</summary>
    public float[] X { get; }

    /// <summary>(B, H), or empty.</summary>
    public float[] InitialState { get; }

    public static float[] Uniform(Random rng, int n, float scale)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
            a[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return a;
    }

    public ElmanLayer Layer(SimdPath path) => ElmanLayer.Create(Case.X, Case.H, WeightIh, WeightHh, BiasIh, BiasHh, Case.Act, path);

    /// <summary>The reference network: W_xh is <see cref="WeightIh"/> read as (X, H), W_hh as (H, H), b_h is <see cref="BiasIh"/> (zeros without bias).</summary>
    public ElmanNetwork Network(SimdPath path)
        => ElmanNetwork.Create(Case.X, Case.H, Case.Y, WeightIh, WeightHh, NetworkBias, WeightHy, BiasY, path);

    public float[] NetworkBias => Case.Bias ? BiasIh : new float[Case.H];

    /// <summary>The oracle of the PyTorch-convention layer (weights transposed into the row convention).</summary>
    public NaiveElman LayerOracle()
    {
        var c = Case;
        return new NaiveElman
        {
            InputSize = c.X,
            HiddenSize = c.H,
            InputWeights = Matrix(c.X, c.H, (k, n) => WeightIh[n * c.X + k]),
            RecurrentWeights = Matrix(c.H, c.H, (k, n) => WeightHh[n * c.H + k]),
            Biases = c.Bias ? [ToDouble(BiasIh), ToDouble(BiasHh)] : [],
            Relu = c.Act == Nonlinearity.Relu,
        };
    }

    /// <summary>The oracle of the reference network (row convention as given).</summary>
    public NaiveElman NetworkOracle()
    {
        var c = Case;
        return new NaiveElman
        {
            InputSize = c.X,
            HiddenSize = c.H,
            OutputSize = c.Y,
            InputWeights = Matrix(c.X, c.H, (k, n) => WeightIh[k * c.H + n]),
            RecurrentWeights = Matrix(c.H, c.H, (k, n) => WeightHh[k * c.H + n]),
            Biases = [ToDouble(NetworkBias)],
            OutputWeights = Matrix(c.H, c.Y, (k, n) => WeightHy[k * c.Y + n]),
            OutputBias = ToDouble(BiasY),
        };
    }

    private static double[,] Matrix(int rows, int cols, Func<int, int, float> at)
    {
        var m = new double[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < cols; k++)
                m[r, k] = at(r, k);
        return m;
    }

    public static double[] ToDouble(ReadOnlySpan<float> a)
    {
        var d = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
            d[i] = a[i];
        return d;
    }
}
