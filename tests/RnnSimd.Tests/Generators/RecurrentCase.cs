using FsCheck;
using FsCheck.Fluent;
using RnnSimd.Tests.Reference;

namespace RnnSimd.Tests.Generators;

/// <summary>
/// One randomly drawn problem of the PyTorch family: the module's shape, the call's options and a
/// seed for every value. Values come from the seed, so a failing case shrinks by its shape and
/// options alone and prints as one readable line.
/// </summary>
public sealed record RecurrentCase(
    RecurrentCell Cell, Nonlinearity Act, int Layers, bool Bidirectional, bool Bias, int Proj,
    int T, int B, int X, int H, bool BatchFirst, bool H0, bool C0, bool Lengths, float Scale, int Seed)
{
    public override string ToString()
        => $"{Cell}{(Cell == RecurrentCell.Rnn ? $"({Act})" : "")} layers={Layers} bidirectional={Bidirectional} bias={Bias} proj={Proj} " +
           $"T={T} B={B} X={X} H={H} batchFirst={BatchFirst} h0={H0} c0={C0} lengths={Lengths} scale={Scale} seed={Seed}";

    public RecurrentSpec Spec => new(Cell, X, H, Layers, Bidirectional, Bias, Proj, Act);

    public RecurrentData Data() => new(this);

    /// <summary>Every cell and option; sizes that cross the vector and panel widths (4 to 32 floats) and their tails.</summary>
    public static Arbitrary<RecurrentCase> Arbitrary(int maxSteps = 6, int maxBatch = 5, int maxSize = 40, int maxLayers = 3, bool unidirectionalOnly = false,
        bool noLengths = false, float[]? scales = null) =>
        Arb.From(
            from cell in Gen.Elements(RecurrentCell.Rnn, RecurrentCell.Gru, RecurrentCell.Lstm)
            from act in Gen.Elements(Nonlinearity.Tanh, Nonlinearity.Relu)
            from layers in Gen.Choose(1, maxLayers)
            from bidirectional in unidirectionalOnly ? Gen.Constant(false) : Gen.Elements(false, true)
            from bias in Gen.Elements(true, false)
            from t in Gen.Choose(1, maxSteps)
            from b in Arbitraries.Dimension(maxBatch)
            from x in Arbitraries.Dimension(maxSize)
            from h in Arbitraries.Dimension(maxSize)
            from proj in Gen.OneOf(Gen.Constant(0), Gen.Choose(1, Math.Max(1, h - 1)))
            from batchFirst in Gen.Elements(false, true)
            from h0 in Gen.Elements(false, true)
            from c0 in Gen.Elements(false, true)
            from lengths in noLengths ? Gen.Constant(false) : Gen.Elements(false, true)
            from scale in Gen.Elements(scales ?? [0.5f, 1f])
            from seed in Gen.Choose(0, int.MaxValue)
            select Normalise(new RecurrentCase(cell, act, layers, bidirectional, bias, proj, t, b, x, h, batchFirst, h0, c0, lengths, scale, seed)),
            Shrink);

    /// <summary>Drops options the cell does not have, so every case is a valid module.</summary>
    private static RecurrentCase Normalise(RecurrentCase c) => c with
    {
        Act = c.Cell == RecurrentCell.Rnn ? c.Act : Nonlinearity.Tanh,
        Proj = c.Cell == RecurrentCell.Lstm && c.Proj < c.H ? c.Proj : 0,
        C0 = c.Cell == RecurrentCell.Lstm && c.C0,
    };

    private static IEnumerable<RecurrentCase> Shrink(RecurrentCase c)
    {
        IEnumerable<RecurrentCase> candidates()
        {
            if (c.Layers > 1) yield return c with { Layers = c.Layers - 1 };
            if (c.Bidirectional) yield return c with { Bidirectional = false };
            foreach (int v in Arbitraries.ShrinkDimension(c.T)) yield return c with { T = v };
            foreach (int v in Arbitraries.ShrinkDimension(c.B)) yield return c with { B = v };
            foreach (int v in Arbitraries.ShrinkDimension(c.X)) yield return c with { X = v };
            foreach (int v in Arbitraries.ShrinkDimension(c.H)) yield return c with { H = v };
            if (c.Proj > 0) yield return c with { Proj = 0 };
            if (c.Lengths) yield return c with { Lengths = false };
            if (c.BatchFirst) yield return c with { BatchFirst = false };
            if (c.H0) yield return c with { H0 = false };
            if (c.C0) yield return c with { C0 = false };
            if (c.Bias) yield return c with { Bias = false };
            if (c.Cell != RecurrentCell.Rnn) yield return c with { Cell = RecurrentCell.Rnn };
        }
        return candidates().Select(Normalise).Where(s => s != c);
    }
}

/// <summary>A case's values: parameters by state_dict name, inputs time-major and as the call takes them.</summary>
public sealed class RecurrentData
{
    public RecurrentData(RecurrentCase c)
    {
        Case = c;
        var rng = new Random(c.Seed);
        RecurrentSpec spec = c.Spec;
        // PyTorch's initialisation: uniform(−1/√H, 1/√H), times the case's scale.
        float s = c.Scale / MathF.Sqrt(c.H);
        foreach ((string name, int[] shape) in spec.ParameterShapes())
            Parameters[name] = ElmanData.Uniform(rng, shape.Aggregate(1, (a, d) => a * d), s);
        X = ElmanData.Uniform(rng, c.T * c.B * c.X, 1f);
        InitialHidden = c.H0 ? ElmanData.Uniform(rng, spec.StateCount * c.B * spec.HiddenOutputSize, 1f) : [];
        InitialCell = c.C0 ? ElmanData.Uniform(rng, spec.StateCount * c.B * c.H, 1f) : [];
        LengthsOrNull = c.Lengths ? Enumerable.Range(0, c.B).Select(_ => rng.Next(1, c.T + 1)).ToArray() : null;
    }

    public RecurrentCase Case { get; }
    public Dictionary<string, float[]> Parameters { get; } = [];

    /// <summary>(T, B, X), time-major.</summary>
    public float[] X { get; }

    /// <summary>x as the call takes it: (B, T, X) when the case is batch-first.</summary>
    public float[] CallX => Case.BatchFirst ? SwapTimeAndBatch(X, Case.T, Case.B, Case.X) : X;

    public float[] InitialHidden { get; }
    public float[] InitialCell { get; }
    public int[]? LengthsOrNull { get; }
    public int[] Lengths => LengthsOrNull ?? [];

    public RecurrentNetwork Network(SimdPath path) => RecurrentNetwork.Create(Case.Spec, Parameters, path);

    public NaiveRecurrent Oracle() => new(Case.Spec, Parameters);

    /// <summary>(T, B, n) ↔ (B, T, n).</summary>
    public static float[] SwapTimeAndBatch(float[] a, int steps, int batch, int n)
    {
        var r = new float[a.Length];
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < batch; b++)
                Array.Copy(a, ((long)t * batch + b) * n, r, ((long)b * steps + t) * n, n);
        return r;
    }
}
