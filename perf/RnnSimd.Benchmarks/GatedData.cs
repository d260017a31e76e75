namespace RnnSimd.Benchmarks;

/// <summary>
/// Weights, input and output buffers of one GRU or LSTM layer on one shape, in PyTorch's layout and
/// gate order (GRU r, z, n; LSTM i, f, g, o). Every contender reads and writes these same arrays,
/// as with <see cref="ElmanData"/>.
/// </summary>
public sealed class GatedData
{
    public GatedData(GatedShape shape, int seed = ElmanData.Seed)
    {
        Shape = shape;
        ElmanShape s = shape.Shape;
        int gateRows = shape.Gates * s.H;
        var random = new Random(seed);
        // nn.GRU's and nn.LSTM's own initialisation, U(−1/√H, 1/√H) for every parameter, so that the
        // sigmoids and tanhs see the arguments a freshly made PyTorch module would give them.
        float bound = 1f / MathF.Sqrt(s.H);
        WeightIh = ElmanData.Uniform(random, gateRows * s.X, bound);
        WeightHh = ElmanData.Uniform(random, gateRows * s.H, bound);
        BiasIh = ElmanData.Uniform(random, gateRows, bound);
        BiasHh = ElmanData.Uniform(random, gateRows, bound);
        Input = ElmanData.Uniform(random, s.T * s.B * s.X, 1f);
        Output = new float[s.T * s.B * s.H];
        FinalHidden = new float[s.B * s.H];
        FinalCell = shape.Cell == RecurrentCell.Lstm ? new float[s.B * s.H] : [];
    }

    public GatedShape Shape { get; }

    /// <summary>(G·H, X), row-major, gate blocks of H rows.</summary>
    public float[] WeightIh { get; }

    /// <summary>(G·H, H), row-major, gate blocks of H rows.</summary>
    public float[] WeightHh { get; }

    /// <summary>(G·H).</summary>
    public float[] BiasIh { get; }

    /// <summary>(G·H).</summary>
    public float[] BiasHh { get; }

    /// <summary>(T, B, X), time-major.</summary>
    public float[] Input { get; }

    /// <summary>(T, B, H): h_1..h_T.</summary>
    public float[] Output { get; }

    /// <summary>(B, H): h_T.</summary>
    public float[] FinalHidden { get; }

    /// <summary>(B, H): c_T for an LSTM; empty for a GRU, which has no cell state (an empty span means "skip").</summary>
    public float[] FinalCell { get; }

    /// <summary>The layer's state_dict, by PyTorch's names.</summary>
    public IReadOnlyDictionary<string, float[]> Parameters => new Dictionary<string, float[]>
    {
        ["weight_ih_l0"] = WeightIh,
        ["weight_hh_l0"] = WeightHh,
        ["bias_ih_l0"] = BiasIh,
        ["bias_hh_l0"] = BiasHh,
    };

    public RecurrentNetwork CreateNetwork() => RecurrentNetwork.Create(Shape.Spec, Parameters);
}
