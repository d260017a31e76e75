namespace RnnSimd.Benchmarks;

/// <summary>A GRU or LSTM forward problem: one layer of that cell on one of the standard shapes.</summary>
public sealed record GatedShape
{
    public GatedShape(RecurrentCell cell, ElmanShape shape)
    {
        if (cell is not (RecurrentCell.Gru or RecurrentCell.Lstm))
            throw new ArgumentException($"A gated shape takes a GRU or LSTM cell, not {cell}.", nameof(cell));
        Cell = cell;
        Shape = shape;
    }

    public RecurrentCell Cell { get; }

    /// <summary>T, B, X, H: the same sizes as the Elman benchmarks', so the cells compare shape by shape.</summary>
    public ElmanShape Shape { get; }

    /// <summary>One layer, forward, with both biases: PyTorch's defaults for nn.GRU and nn.LSTM.</summary>
    public RecurrentSpec Spec => new(Cell, Shape.X, Shape.H);

    /// <summary>G: 3 (GRU: r, z, n) or 4 (LSTM: i, f, g, o).</summary>
    public int Gates => Spec.Gates;

    /// <summary>
    /// 2·T·B·G·H·(X+H): every gate's two products, as the Elman count (docs/benchmarks.md) times G;
    /// the element-wise gate arithmetic (a few operations per hidden unit) is not counted.
    /// </summary>
    public double Flops => Gates * Shape.Flops;

    public string Name => $"{Cell.ToString().ToUpperInvariant()} {Shape.Name}";

    public override string ToString() => Name;
}
